package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.CatalogApps;
import io.seedbootstrap.apps.KubeSecret;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.ConfigYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: the platform catalog as install writes it. Every ApplicationSet, every Application its
 * cluster generator makes, and the ClusterSecretStore, BackupStorageLocation and Schedule those
 * Applications carry in their charts' values are valid for upstream's CRDs in ../shared/upstream
 * (argo-cd v3.4.4, external-secrets v2.9.0, velero v1.18.1; unknown fields are errors,
 * {@link CrdSchemas}); and the per-cluster values come out of the generator, computed as ArgoCD
 * computes it ({@link ClusterGenerator}), different for two clusters with different annotations.
 */
class CatalogConformanceTest {
    @TempDir
    static Path work;
    static CrdSchemas crds;
    static Inventory inventory;
    static SiteMaterial site;
    static Path registryCa;

    static final String TRAEFIK_IP = "seed-bootstrap.io/traefik-ip";
    static final String SERVICE_TYPE = "catalog.seed-bootstrap.io/traefik-service-type";
    /** The seed's own load-balancer IP, from apps.seedAnnotations. */
    static final String SEED_IP = "192.0.2.200";
    static final Map<String, byte[]> CHARTS = Map.of("cert-manager", new byte[] {1}, "argo-cd", new byte[] {4});
    /** The bundle's catalog as the BOM would give it (the values each cluster sets are the BOM's to name). */
    static final CatalogApps.Entries CATALOG = name -> Optional.ofNullable(Map.of(
            "traefik", new CatalogApps.Entry("traefik", "traefik", "41.3.0", "traefik", Map.of("service", Map.of("type", "LoadBalancer")),
                    List.of(new CatalogApps.ClusterValue(path("service.spec.loadBalancerIP"), CatalogApps.Source.ANNOTATION, TRAEFIK_IP),
                            new CatalogApps.ClusterValue(path("deployment.podLabels.site-zone"), CatalogApps.Source.LABEL,
                                    "topology.example.com/zone"),
                            new CatalogApps.ClusterValue(path("env[1].value"), CatalogApps.Source.LABEL, "topology.example.com/zone"),
                            new CatalogApps.ClusterValue(path("service.type"), CatalogApps.Source.ANNOTATION, SERVICE_TYPE, false, null))),
            "external-secrets", new CatalogApps.Entry("external-secrets", "external-secrets", "2.9.0", "external-secrets",
                    Map.of("installCRDs", true), List.of()),
            "velero", new CatalogApps.Entry("velero", "velero", "12.1.0", "velero", Map.of(), List.of())).get(name));

    static List<io.seedbootstrap.bundle.bom.BomClusterValue.PathSegment> path(String text) {
        return io.seedbootstrap.bundle.bom.BomClusterValue.parsePath(text).orElseThrow();
    }

    @BeforeAll
    static void load() throws Exception {
        crds = CrdSchemas.load(List.of(Upstream.path("crds/argo-cd"), Upstream.path("crds/external-secrets"), Upstream.path("crds/velero")));
        Path dir = Files.createDirectories(work.resolve("site"));
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, inventory(""));
        Inventory first = SeedAppsFixture.load(file, dir);
        site = SeedAppsFixture.pki(first, dir);
        registryCa = dir.resolve("registry-ca.pem");
        Files.write(registryCa, site.cacerts());
        Files.writeString(file, inventory(registryCa.toString()));
        inventory = SeedAppsFixture.load(file, dir);
    }

    static String inventory(String ca) {
        return String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, ingressController: traefik}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "registries:",
                "  systemDefaultRegistry: registry.lab.example.internal:5000",
                "  mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}",
                ca.isEmpty() ? "" : "  configs: {\"registry.lab.example.internal:5000\": {username: seed, password: \"${SEED_REGISTRY_PASSWORD}\", "
                        + "caFile: " + ca + "}}",
                "apps:",
                "  rancher: {enabled: false}",
                "  argocd: {hostname: argocd.lab.example.internal}",
                "  seedLabels: {app/traefik: install, app/external-secrets: install, app/velero: install}",
                "  seedAnnotations: {\"" + TRAEFIK_IP + "\": \"" + SEED_IP + "\"}",
                "  catalog:",
                "    install:",
                "      - {name: traefik, values: {deployment: {replicas: 2}}}",
                "      - {name: external-secrets}",
                "      - {name: velero}",
                "    externalSecrets: {server: \"https://vault.lab.example.internal:8200\", roleId: role-1, secretId: \"${VAULT_SECRET_ID}\"}",
                "    velero: {s3Url: \"https://minio.lab.example.internal:9000\", bucket: cluster-backups, accessKeyId: \"${S3_ACCESS_KEY}\",",
                "             secretAccessKey: \"${S3_SECRET_KEY}\"" + (ca.isEmpty() ? "" : ", caFile: " + ca) + "}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", "");
    }

    static AppStep argocd() {
        assertEquals(List.of(), SeedApps.problems(inventory, SeedAppsFixture.charts(CHARTS, CATALOG), site, SeedAppsFixture.NOW));
        return SeedAppsFixture.step(SeedAppsFixture.plan(inventory, site, CHARTS, CATALOG), "ArgoCD");
    }

    static Map<String, JsonNode> applicationSets() throws Exception {
        AppStep.AddOnFile file = argocd().afterChart().stream().filter(f -> f.fileName().equals("seed-argocd-catalog.yaml")).findFirst()
                .orElseThrow();
        Map<String, JsonNode> sets = new TreeMap<>();
        for (JsonNode document : UpstreamCharts.documents(file.content())) {
            sets.put(document.path("metadata").path("name").asText(), document);
        }
        return sets;
    }

    static ClusterGenerator.ClusterSecret cluster(String name, String server, Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("argocd.argoproj.io/secret-type", "cluster");
        return new ClusterGenerator.ClusterSecret(name, server, null, all, annotations);
    }

    /**
     * The seed as the cluster generator sees it: read back from the cluster Secret install creates
     * (argocd/seed-cluster, F.2), its labels and annotations as written, name and server from its data.
     */
    static ClusterGenerator.ClusterSecret seedFromItsSecret() throws Exception {
        KubeSecret secret = argocd().secrets().stream().filter(s -> s.name().equals("seed-cluster")).findFirst().orElseThrow();
        JsonNode json = CrdSchemas.JSON.readTree(secret.json());
        Map<String, String> labels = new TreeMap<>();
        json.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> annotations = new TreeMap<>();
        json.path("metadata").path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        java.util.function.Function<String, String> data = key -> new String(Base64.getDecoder().decode(json.path("data").path(key).asText()),
                StandardCharsets.UTF_8);
        return new ClusterGenerator.ClusterSecret(data.apply("name"), data.apply("server"), null, labels, annotations);
    }

    static JsonNode values(JsonNode application) throws Exception {
        return ConfigYaml.mapper().readTree(application.path("spec").path("source").path("helm").path("values").asText());
    }

    @Test
    void everyCatalogObjectIsValidForItsUpstreamCrd() throws Exception {
        Map<String, Set<String>> failures = new TreeMap<>();
        Set<String> seen = new TreeSet<>();
        Map<String, JsonNode> sets = applicationSets();
        assertEquals(Set.of("catalog-traefik", "catalog-external-secrets", "catalog-velero"), sets.keySet());
        // the seed opts in with its own cluster Secret's labels and annotations (F.2), as any downstream cluster would
        ClusterGenerator.ClusterSecret seed = seedFromItsSecret();
        for (JsonNode set : sets.values()) {
            seen.add(set.path("kind").asText());
            failures.put(set.path("metadata").path("name").asText(), crds.problems(set));
            List<JsonNode> applications = ClusterGenerator.applications(set, List.of(seed));
            assertEquals(1, applications.size(), set.path("metadata").path("name").asText());
            JsonNode application = applications.get(0);
            ((com.fasterxml.jackson.databind.node.ObjectNode) application.path("metadata")).put("namespace", "argocd");
            seen.add(application.path("kind").asText());
            failures.put(application.path("metadata").path("name").asText(), crds.problems(application));
            for (JsonNode extra : values(application).path("extraObjects")) {
                seen.add(extra.path("apiVersion").asText() + " " + extra.path("kind").asText());
                failures.put(extra.path("kind").asText() + " " + extra.path("metadata").path("name").asText(), crds.problems(extra));
            }
        }
        failures.values().removeIf(Set::isEmpty);
        assertEquals(Map.of(), failures);
        assertEquals(Set.of("ApplicationSet", "Application", "external-secrets.io/v1 ClusterSecretStore", "velero.io/v1 BackupStorageLocation",
                "velero.io/v1 Schedule"), seen, "every kind the catalog writes was checked");
    }

    @Test
    void theCatalogObjectsCarryTheInventorysSettings() throws Exception {
        Map<String, JsonNode> sets = applicationSets();
        JsonNode traefik = sets.get("catalog-traefik").path("spec");
        assertEquals("install", traefik.path("generators").get(0).path("clusters").path("selector").path("matchLabels").path("app/traefik").asText());
        JsonNode source = traefik.path("template").path("spec").path("source");
        // F.5: Helm over OCI: host/path without oci://, the chart and its version
        assertEquals("registry.lab.example.internal:5000/charts", source.path("repoURL").asText());
        assertEquals("traefik", source.path("chart").asText());
        assertEquals("41.3.0", source.path("targetRevision").asText());

        ClusterGenerator.ClusterSecret seed = cluster("seed-lab", "https://kubernetes.default.svc", inventory.apps().seedLabels(), Map.of());
        JsonNode traefikValues = values(ClusterGenerator.applications(sets.get("catalog-traefik"), List.of(seed)).get(0));
        assertEquals(2, traefikValues.path("deployment").path("replicas").asInt(), "the inventory's site values");
        assertEquals("LoadBalancer", traefikValues.path("service").path("type").asText(), "the BOM's default values");

        JsonNode store = values(ClusterGenerator.applications(sets.get("catalog-external-secrets"), List.of(seed)).get(0)).path("extraObjects").get(0);
        JsonNode vault = store.path("spec").path("provider").path("vault");
        assertEquals("https://vault.lab.example.internal:8200", vault.path("server").asText());
        assertEquals("role-1", vault.path("auth").path("appRole").path("roleId").asText());
        assertEquals(CatalogApps.APPROLE_SECRET, vault.path("auth").path("appRole").path("secretRef").path("name").asText());
        assertEquals(new String(site.cacerts(), StandardCharsets.UTF_8),
                new String(Base64.getDecoder().decode(vault.path("caBundle").asText()), StandardCharsets.UTF_8), "Vault's CA: the site root");

        List<JsonNode> veleroApps = ClusterGenerator.applications(sets.get("catalog-velero"), List.of(seed,
                cluster("Edge_7", "https://10.0.7.1:6443", Map.of("app/velero", "install"), Map.of())));
        JsonNode location = values(veleroApps.get(1)).path("extraObjects").get(0);
        assertEquals("BackupStorageLocation", location.path("kind").asText());
        assertEquals("cluster-backups", location.path("spec").path("objectStorage").path("bucket").asText());
        assertEquals("edge-7", location.path("spec").path("objectStorage").path("prefix").asText(), "each cluster under its own prefix");
        assertEquals("seed-lab", values(veleroApps.get(0)).path("extraObjects").get(0).path("spec").path("objectStorage").path("prefix").asText());
        assertEquals("https://minio.lab.example.internal:9000", location.path("spec").path("config").path("s3Url").asText());
        JsonNode schedule = values(veleroApps.get(1)).path("extraObjects").get(1);
        assertEquals("0 2 * * *", schedule.path("spec").path("schedule").asText());
        assertEquals(CatalogApps.VELERO_CREDENTIALS_SECRET, values(veleroApps.get(1)).path("credentials").path("existingSecret").asText());

        // the seed's own credentials: Secrets through kubectl (never in a manifest), in namespaces made first
        AppStep argocd = argocd();
        List<String> secrets = new ArrayList<>();
        for (KubeSecret secret : argocd.secrets()) {
            secrets.add(secret.namespace() + "/" + secret.name());
            assertEquals(Set.of(), CrdConformanceTest.secretProblems(CrdSchemas.JSON.readTree(secret.json())), secret.describe());
        }
        assertTrue(secrets.containsAll(List.of("argocd/seed-catalog-charts", "external-secrets/seed-vault-approle", "velero/seed-velero-s3")),
                secrets.toString());
        assertTrue(argocd.namespaces().stream().map(AppStep.Namespace::name).toList().containsAll(List.of("external-secrets", "velero")));
        KubeSecret s3 = argocd.secrets().stream().filter(s -> s.name().equals(CatalogApps.VELERO_CREDENTIALS_SECRET)).findFirst().orElseThrow();
        String credentials = new String(Base64.getDecoder().decode(CrdSchemas.JSON.readTree(s3.json()).path("data").path("cloud").asText()),
                StandardCharsets.UTF_8);
        assertEquals("[default]\naws_access_key_id=s3-access-key-1\naws_secret_access_key=s3-secret-key-2\n", credentials);
        for (AppStep.AddOnFile file : argocd.afterChart()) {
            assertFalse(file.content().contains("s3-secret-key-2") || file.content().contains("vault-secret-id-0")
                    || file.content().contains("registry-pw"), file.fileName() + " holds a secret");
        }
    }

    /**
     * Issue 18 "Tests": two clusters labelled app/traefik: install with different load-balancer IP
     * annotations get one Application each, with their own IP in the values; a cluster without the
     * label gets none; a labelled cluster without the annotation gets "" (the chart's default).
     */
    @Test
    void theClusterGeneratorGivesEachClusterItsOwnValues() throws Exception {
        JsonNode set = applicationSets().get("catalog-traefik");
        List<JsonNode> applications = ClusterGenerator.applications(set, List.of(
                cluster("edge-1", "https://10.0.1.1:6443", Map.of("app/traefik", "install", "topology.example.com/zone", "north"),
                        Map.of(TRAEFIK_IP, "10.0.1.200")),
                cluster("edge-2", "https://10.0.2.1:6443", Map.of("app/traefik", "install"), Map.of(TRAEFIK_IP, "10.0.2.200",
                        SERVICE_TYPE, "NodePort")),
                cluster("lab-9", "https://10.0.9.1:6443", Map.of("app/velero", "install"), Map.of(TRAEFIK_IP, "10.0.9.200")),
                cluster("edge-3", "https://10.0.3.1:6443", Map.of("app/traefik", "install"), Map.of())));
        assertEquals(List.of("edge-1-traefik", "edge-2-traefik", "edge-3-traefik"),
                applications.stream().map(a -> a.path("metadata").path("name").asText()).toList());
        assertEquals(List.of("https://10.0.1.1:6443", "https://10.0.2.1:6443", "https://10.0.3.1:6443"),
                applications.stream().map(a -> a.path("spec").path("destination").path("server").asText()).toList());
        List<String> ips = new ArrayList<>();
        for (JsonNode application : applications) {
            JsonNode values = values(application);
            ips.add(values.path("service").path("spec").path("loadBalancerIP").asText());
            assertEquals(2, values.path("deployment").path("replicas").asInt(), "site values are the same on every cluster");
            assertEquals("catalog-traefik", "catalog-" + application.path("metadata").path("labels").path(CatalogApps.CATALOG_LABEL).asText());
        }
        assertEquals(List.of("10.0.1.200", "10.0.2.200", ""), ips);
        // an optional value: the cluster's when it has the annotation, else the BOM's default (Go's `or`)
        assertEquals(List.of("LoadBalancer", "NodePort", "LoadBalancer"), applications.stream().map(a -> {
            try {
                return values(a).path("service").path("type").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList());
        assertEquals("north", values(applications.get(0)).path("deployment").path("podLabels").path("site-zone").asText(), "a value from a label");
        assertEquals("north", values(applications.get(0)).path("env").get(1).path("value").asText(), "a list item, as --set env[1].value");
    }

    /** The hand-off names the catalog's labels and the annotations each entry reads, and the module's required ones. */
    @Test
    void theHandoffNamesTheCatalogsLabelsAndAnnotations() throws Exception {
        CatalogApps.Entries required = name -> CATALOG.find(name).map(e -> new CatalogApps.Entry(e.name(), e.chart(), e.version(), e.namespace(),
                e.values(), e.clusterValues().stream().map(v -> new CatalogApps.ClusterValue(v.path(), v.source(), v.key(),
                        v.key().equals(TRAEFIK_IP), "the load-balancer IP")).toList()));
        List<io.seedbootstrap.apps.Handoff.File> files = io.seedbootstrap.apps.Handoff.files(new io.seedbootstrap.apps.Handoff.Input(inventory,
                site, work.resolve("seed-lab.kubeconfig"), required, null, false));
        JsonNode handoff = CrdSchemas.JSON.readTree(files.get(0).content());
        assertTrue(files.get(0).secret(), "the hand-off file is 0600");
        assertEquals("oci://registry.lab.example.internal:5000/charts", handoff.path("chartRepository").path("oci").asText());
        assertEquals("registry.lab.example.internal:5000/charts", handoff.path("chartRepository").path("argocdRepoURL").asText());
        assertEquals(new String(site.cacerts(), StandardCharsets.UTF_8), handoff.path("registry").path("caPem").asText());
        JsonNode traefik = handoff.path("catalog").path("entries").get(0);
        assertEquals("app/traefik", traefik.path("label").asText());
        assertEquals("install", traefik.path("value").asText());
        assertEquals("annotation", traefik.path("clusterValues").get(0).path("from").asText());
        assertEquals(TRAEFIK_IP, traefik.path("clusterValues").get(0).path("key").asText());
        assertTrue(traefik.path("clusterValues").get(0).path("required").asBoolean());
        assertEquals(List.of("app/traefik", "app/external-secrets", "app/velero"),
                java.util.stream.StreamSupport.stream(handoff.path("catalog").path("entries").spliterator(), false)
                        .map(e -> e.path("label").asText()).toList());
        JsonNode values = CrdSchemas.JSON.readTree(files.stream().filter(f -> f.path().endsWith("handoff.auto.tfvars.json")).findFirst()
                .orElseThrow().content());
        assertEquals(TRAEFIK_IP, values.path("catalog_required_annotations").path("traefik").get(0).asText());
        String variables = files.stream().filter(f -> f.path().endsWith("variables.tf")).findFirst().orElseThrow().content();
        assertTrue(variables.contains("default     = [\"traefik\", \"external-secrets\", \"velero\"]"), variables);
        for (io.seedbootstrap.apps.Handoff.File file : files) {
            assertFalse(file.content().contains("registry-pw") || file.content().contains("s3-secret-key-2"), file.path());
        }
    }

    /**
     * The seed opts in like any cluster: its cluster Secret carries apps.seedAnnotations, so the
     * generator gives the seed's Traefik Application the seed's own load-balancer IP, and a
     * downstream cluster its own.
     */
    @Test
    void theSeedsApplicationGetsItsValuesFromApps_seedAnnotations() throws Exception {
        ClusterGenerator.ClusterSecret seed = seedFromItsSecret();
        assertEquals("seed-lab", seed.name());
        assertEquals("https://kubernetes.default.svc", seed.server());
        assertEquals(Map.of(TRAEFIK_IP, SEED_IP), seed.annotations());
        List<JsonNode> applications = ClusterGenerator.applications(applicationSets().get("catalog-traefik"), List.of(seed,
                cluster("edge-1", "https://10.0.1.1:6443", Map.of("app/traefik", "install"), Map.of(TRAEFIK_IP, "10.0.1.200"))));
        assertEquals(List.of("seed-lab-traefik", "edge-1-traefik"), applications.stream().map(a -> a.path("metadata").path("name").asText()).toList());
        assertEquals("https://kubernetes.default.svc", applications.get(0).path("spec").path("destination").path("server").asText());
        assertEquals(SEED_IP, values(applications.get(0)).path("service").path("spec").path("loadBalancerIP").asText());
        assertEquals("10.0.1.200", values(applications.get(1)).path("service").path("spec").path("loadBalancerIP").asText());
    }

    /**
     * With the shipped BOM's catalog: the seed installs Traefik (seedLabels app/traefik: install),
     * whose load-balancer IP annotation the BOM marks required; without it in apps.seedAnnotations
     * the seed's Application would get "", so install refuses before any host is touched
     * (CheckSeedApps: exit 2 on any of these problems).
     */
    @Test
    void theSeedInstallingAnEntryWithoutARequiredAnnotationIsRefusedNamingIt() throws Exception {
        io.seedbootstrap.bundle.bom.Bom bom = new io.seedbootstrap.bundle.bom.BomLoader().load(Path.of("../bundles/rke2-v1.35.yaml")).bom();
        CatalogApps.Entries shipped = name -> bom.catalog().stream().filter(e -> e.name().equals(name)).findFirst()
                .map(CatalogApps.Entry::of);
        String key = "catalog.seed-bootstrap.io/traefik-load-balancer-ip";
        Path dir = Files.createDirectories(work.resolve("site-required"));
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, inventory(registryCa.toString()).replace(TRAEFIK_IP, "example.internal/unrelated"));
        Inventory without = SeedAppsFixture.load(file, dir);
        List<String> problems = SeedApps.problems(without, SeedAppsFixture.charts(CHARTS, shipped), site, SeedAppsFixture.NOW);
        assertEquals(List.of("apps.seedAnnotations: the seed installs catalog entry \"traefik\" (apps.seedLabels app/traefik: install) but "
                + "has no annotation \"" + key + "\", which the entry requires of every cluster (The load-balancer IP of this cluster's "
                + "ingress, from its MetalLB pool); add it to apps.seedAnnotations, or remove the install label"), problems);

        Files.writeString(file, inventory(registryCa.toString()).replace(TRAEFIK_IP, key));
        assertEquals(List.of(), SeedApps.problems(SeedAppsFixture.load(file, dir), SeedAppsFixture.charts(CHARTS, shipped), site,
                SeedAppsFixture.NOW), "the annotation present: nothing to refuse");
        Files.writeString(file, inventory(registryCa.toString()).replace(TRAEFIK_IP, "example.internal/unrelated")
                .replace("app/traefik: install, ", ""));
        assertEquals(List.of(), SeedApps.problems(SeedAppsFixture.load(file, dir), SeedAppsFixture.charts(CHARTS, shipped), site,
                SeedAppsFixture.NOW), "the seed not installing Traefik: its annotation is not asked for");
    }

    @Test
    void anEnabledEntryMissingFromTheBundleIsNamedWithWhatToDo() {
        CatalogApps.Entries withoutVelero = name -> name.equals("velero") ? Optional.empty() : CATALOG.find(name);
        List<String> problems = SeedApps.problems(inventory, SeedAppsFixture.charts(CHARTS, withoutVelero), site, SeedAppsFixture.NOW);
        assertEquals(List.of("apps.catalog.install[2]: the bundle's catalog has no entry \"velero\"; add it to the BOM's catalog section and "
                + "rebuild the bundle (then bundle push), or remove it from apps.catalog.install"), problems);
    }
}
