package io.seedbootstrap.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.pki.password.PasswordHashes;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed apps as rendered: every manifest parses and carries the fields and values contract
 * D–H name; Secrets hold what E.2, F.1, G say; no secret reaches a manifests-folder file; bad
 * inputs are found before anything is deployed.
 */
class SeedAppsTest {
    static final Map<String, String> ENV = Map.of("RANCHER_PW", "rancher-Bootstrap-123", "ARGO_PW", "argo-Admin-456",
            "GIT_TOKEN", "git-token-789", "VAULT_SECRET_ID", "vault-secret-id-0");
    static final Instant NOW = Instant.parse("2026-08-22T10:15:00Z");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    static Path work;
    static Map<String, byte[]> charts = new java.util.HashMap<>();

    @BeforeAll
    static void pki() throws Exception {
        Path inventory = write("pki.yaml", "");
        CommandRunner.Result init = CommandRunner.run(ENV, work, "pki", "init", inventory.toString());
        assertEquals(0, init.exitCode(), init.err());
        charts.put("cert-manager", TestBundles.chart("cert-manager", "v1.20.3", "v1.20.3", null));
        charts.put("rancher", TestBundles.chart("rancher", "2.14.3", "v2.14.3", "< 1.36.0-0"));
        charts.put("argo-cd", TestBundles.chart("argo-cd", "10.1.1", "v3.4.4", ">=1.25.0-0"));
        charts.put("metallb", TestBundles.chart("metallb", "0.16.1", "v0.16.1", null));
    }

    /** A complete inventory; {@code extra} lines replace sections by name (e.g. a different apps block). */
    static Path write(String name, String appsOverride) throws Exception {
        String apps = appsOverride.isEmpty() ? String.join("\n",
                "apps:",
                "  rancher: {hostname: rancher.lab.example.internal, bootstrapPassword: \"${RANCHER_PW}\"}",
                "  argocd:",
                "    hostname: argocd.lab.example.internal",
                "    adminPassword: ${ARGO_PW}",
                "    repo: {url: \"https://git.lab.example.internal/platform/fleet.git\", username: argocd, password: \"${GIT_TOKEN}\"}",
                "  components:",
                "    - {name: cert-manager}",
                "    - {name: monitoring, namespace: cattle-monitoring-system, wave: 2}",
                "  seedLabels: {app/monitoring: install, env: lab}",
                "  seedAnnotations: {catalog.seed-bootstrap.io/traefik-load-balancer-ip: \"10.0.10.240\", example.com/note: \"any text: even spaces\"}")
                : appsOverride;
        Path file = work.resolve(name);
        Files.writeString(file, String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "registries:",
                "  systemDefaultRegistry: registry.lab.example.internal:5000",
                "  mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}",
                apps,
                "metallb: {enabled: true, pools: [{name: ingress, addresses: [\"192.0.2.200-192.0.2.220\", \"198.51.100.0/28\"]}]}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        return file;
    }

    static Inventory load(Path file) {
        return new InventoryLoader(Environment.of(ENV), work).loadOrThrow(file, LoadOptions.defaults()).inventory();
    }

    static SeedApps.Charts charts() {
        return name -> Optional.ofNullable(charts.get(name)).map(b -> new SeedApps.Chart(name, "1", b.length, () -> b));
    }

    static List<AppStep> plan(Inventory inventory) {
        SeedApps.Passwords passwords = new SeedApps.Passwords() {
            @Override
            public Secret rancherBootstrap() {
                return inventory.apps().rancher().bootstrapPassword();
            }

            @Override
            public Secret argocdAdmin() {
                return inventory.apps().argocd().adminPassword();
            }
        };
        return SeedApps.plan(new SeedApps.Input(inventory, charts(), new SiteMaterial(work.resolve("pki")), passwords, new SecureRandom(), NOW));
    }

    static AppStep step(List<AppStep> steps, String app) {
        return steps.stream().filter(s -> s.app().equals(app)).findFirst().orElseThrow();
    }

    static KubeSecret secret(AppStep step, String name) {
        return step.secrets().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The Secret as kubectl would receive it, data decoded. */
    static Map<String, String> data(KubeSecret secret) throws Exception {
        JsonNode json = new ObjectMapper().readTree(secret.json());
        Map<String, String> data = new java.util.TreeMap<>();
        json.path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
                new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        return data;
    }

    static JsonNode helmChart(AppStep step) throws Exception {
        return YAML.readTree(step.chart().content());
    }

    static JsonNode values(JsonNode helmChart) throws Exception {
        return YAML.readTree(helmChart.path("spec").path("valuesContent").asText());
    }

    static String pki(String path) throws Exception {
        return Files.readString(work.resolve("pki").resolve(path));
    }

    /** D: the shape every seed app's HelmChart shares. */
    static void assertHelmChart(JsonNode chart, String name, String targetNamespace, String bundleChart) {
        assertEquals("helm.cattle.io/v1", chart.path("apiVersion").asText());
        assertEquals("HelmChart", chart.path("kind").asText());
        assertEquals(name, chart.path("metadata").path("name").asText());
        assertEquals("kube-system", chart.path("metadata").path("namespace").asText());
        assertEquals(targetNamespace, chart.path("spec").path("targetNamespace").asText());
        assertTrue(chart.path("spec").path("createNamespace").asBoolean());
        assertEquals("abort", chart.path("spec").path("failurePolicy").asText());
        assertEquals("600s", chart.path("spec").path("timeout").asText());
        assertArrayEquals(charts.get(bundleChart), Base64.getDecoder().decode(chart.path("spec").path("chartContent").asText()));
    }

    @Test
    void certManagerWithCrdsAndTheSiteIssuingCaAsClusterIssuer() throws Exception {
        AppStep step = step(plan(load(write("cm.yaml", ""))), "cert-manager");
        JsonNode chart = helmChart(step);
        assertHelmChart(chart, "cert-manager", "cert-manager", "cert-manager");
        assertTrue(values(chart).path("crds").path("enabled").asBoolean(), "G: crds.enabled");
        assertEquals("seed-cert-manager.yaml", step.chart().fileName());
        assertEquals("/var/lib/rancher/rke2/server/manifests/seed-cert-manager.yaml", step.chart().path());

        JsonNode issuer = YAML.readTree(step.afterChart().get(0).content());
        assertEquals("cert-manager.io/v1", issuer.path("apiVersion").asText());
        assertEquals("ClusterIssuer", issuer.path("kind").asText());
        assertEquals("site-ca", issuer.path("metadata").path("name").asText());
        assertEquals("site-ca-key-pair", issuer.path("spec").path("ca").path("secretName").asText());

        KubeSecret keyPair = secret(step, "site-ca-key-pair");
        assertEquals("cert-manager", keyPair.namespace(), "G: a ClusterIssuer's Secret lives in the cluster resource namespace");
        assertEquals("kubernetes.io/tls", keyPair.type());
        Map<String, String> data = data(keyPair);
        assertEquals(pki("site/issuing-ca.crt"), data.get("tls.crt"), "G: issuing CA, intermediates, root");
        assertEquals(pki("site/issuing-ca.key"), data.get("tls.key"));
        assertFalse(data.get("tls.crt").equals(pki("cluster/intermediate-ca.crt")), "never the cluster hierarchy");
        assertFalse(keyPair.toString().contains("PRIVATE"), "toString names the Secret, never its data");
    }

    @Test
    void vaultIssuerWithAppRoleSecretReference() throws Exception {
        Path caFile = work.resolve("vault-ca.pem");
        Files.writeString(caFile, pki("site/root-ca.crt"));
        Inventory inventory = load(write("vault.yaml", String.join("\n",
                "apps:",
                "  certManager:",
                "    issuer:",
                "      name: vault-issuer",
                "      type: vault",
                "      vault: {server: \"https://vault.lab.example.internal:8200\", path: pki_int/sign/lab, caFile: " + caFile
                        + ", roleId: role-1, secretId: \"${VAULT_SECRET_ID}\"}",
                "  rancher: {enabled: false}",
                "  argocd: {enabled: false}")));
        AppStep step = step(plan(inventory), "cert-manager");
        JsonNode vault = YAML.readTree(step.afterChart().get(0).content()).path("spec").path("vault");
        assertEquals("https://vault.lab.example.internal:8200", vault.path("server").asText());
        assertEquals("pki_int/sign/lab", vault.path("path").asText());
        assertEquals(pki("site/root-ca.crt"), new String(Base64.getDecoder().decode(vault.path("caBundle").asText()), StandardCharsets.UTF_8));
        JsonNode appRole = vault.path("auth").path("appRole");
        assertEquals("approle", appRole.path("path").asText());
        assertEquals("role-1", appRole.path("roleId").asText());
        assertEquals("vault-issuer-vault-approle", appRole.path("secretRef").path("name").asText());
        assertEquals("secretId", appRole.path("secretRef").path("key").asText());
        KubeSecret secret = secret(step, "vault-issuer-vault-approle");
        assertTrue(secret.createOnly());
        assertEquals("vault-secret-id-0", data(secret).get("secretId"));
        assertFalse(step.afterChart().get(0).content().contains("vault-secret-id-0"));
    }

    /**
     * With the Vault issuer, cert-manager (re)issues tls-rancher-ingress from Vault, so Rancher's
     * privateCA (tls-ca) must be the Vault PKI's CA, not the site root: the inventory must name it
     * (apps.certManager.issuer.vault.pkiCaFile), else validation refuses the combination (exit 2).
     */
    @Test
    void vaultIssuerWithRancherTrustsTheVaultPkiCaAndLetsCertManagerIssueTheIngressCertificate() throws Exception {
        String vault = "      vault: {server: \"https://vault.lab.example.internal:8200\", path: pki_int/sign/lab, roleId: role-1, "
                + "secretId: \"${VAULT_SECRET_ID}\"";
        String apps = String.join("\n",
                "apps:",
                "  certManager:",
                "    issuer:",
                "      name: vault-issuer",
                "      type: vault",
                vault + "%s}",
                "  rancher: {hostname: rancher.lab.example.internal, bootstrapPassword: \"${RANCHER_PW}\"}",
                "  argocd: {enabled: false}");
        Path without = write("vault-rancher.yaml", apps.formatted(""));
        var loaded = new InventoryLoader(Environment.of(ENV), work).load(without, LoadOptions.defaults());
        assertFalse(loaded.ok());
        assertTrue(loaded.diagnostics().toString().contains("apps.certManager.issuer.vault.pkiCaFile"), loaded.diagnostics().toString());
        assertTrue(loaded.diagnostics().toString().contains("apps.rancher"), loaded.diagnostics().toString());
        CommandRunner.Result validate = CommandRunner.run(ENV, work, "inventory", "validate", without.toString());
        assertEquals(2, validate.exitCode(), validate.err());

        // the Vault PKI's own CA (here: a CA that is not the site's), named in the inventory
        Path vaultCa = work.resolve("vault-pki-ca.pem");
        Files.writeString(vaultCa, pki("cluster/root-ca.crt"));
        Inventory inventory = load(write("vault-rancher-ca.yaml", apps.formatted(", pkiCaFile: " + vaultCa)));
        assertTrue(SeedApps.problems(inventory, charts(), new SiteMaterial(work.resolve("pki")), NOW).isEmpty());
        AppStep rancher = step(plan(inventory), "Rancher");
        assertEquals(Map.of("cacerts.pem", pki("cluster/root-ca.crt")), data(secret(rancher, "tls-ca")),
                "tls-ca is the CA that signs what cert-manager issues from Vault");
        assertTrue(rancher.secrets().stream().noneMatch(s -> s.name().equals("tls-rancher-ingress")),
                "no site leaf that tls-ca would not verify: cert-manager issues tls-rancher-ingress from Vault");
        assertEquals("vault-issuer", values(helmChart(rancher)).path("ingress").path("extraAnnotations").path("cert-manager.io/cluster-issuer").asText());

        // a file that is no CA certificate is refused before anything is deployed
        Path leaf = work.resolve("not-a-ca.pem");
        Files.writeString(leaf, pki("site/certs/rancher.lab.example.internal/tls.crt"));
        List<String> problems = SeedApps.problems(load(write("vault-rancher-leaf.yaml", apps.formatted(", pkiCaFile: " + leaf))), charts(),
                new SiteMaterial(work.resolve("pki")), NOW);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("apps.certManager.issuer.vault.pkiCaFile " + leaf + ": "), problems.get(0));
        assertTrue(problems.get(0).contains("not a CA certificate"), problems.get(0));
    }

    @Test
    void rancherWithTheSiteCaPrivateCaAndTheBootstrapPasswordOnlyInASecret() throws Exception {
        AppStep step = step(plan(load(write("rancher.yaml", ""))), "Rancher");
        JsonNode chart = helmChart(step);
        assertHelmChart(chart, "rancher", "cattle-system", "rancher");
        JsonNode values = values(chart);
        assertEquals("rancher.lab.example.internal", values.path("hostname").asText());
        assertEquals("secret", values.path("ingress").path("tls").path("source").asText(), "E.1");
        assertEquals("tls-rancher-ingress", values.path("ingress").path("tls").path("secretName").asText());
        assertEquals("site-ca", values.path("ingress").path("extraAnnotations").path("cert-manager.io/cluster-issuer").asText(),
                "E.3: cert-manager renews the ingress certificate from the site CA");
        assertTrue(values.path("privateCA").asBoolean());
        assertEquals(1, values.path("replicas").asInt(), "min(3, servers) with one server");
        assertTrue(values.path("useBundledSystemChart").asBoolean());
        assertEquals("registry.lab.example.internal:5000", values.path("systemDefaultRegistry").asText());
        assertFalse(values.has("bootstrapPassword"), "never in valuesContent");
        JsonNode ref = chart.path("spec").path("valuesSecrets").get(0);
        assertEquals("seed-rancher-values", ref.path("name").asText());
        assertEquals("values.yaml", ref.path("keys").get(0).asText());

        KubeSecret ingress = secret(step, "tls-rancher-ingress");
        assertEquals("cattle-system", ingress.namespace());
        assertEquals("kubernetes.io/tls", ingress.type());
        assertEquals(pki("site/certs/rancher.lab.example.internal/tls.crt"), data(ingress).get("tls.crt"));
        assertEquals(pki("site/certs/rancher.lab.example.internal/tls.key"), data(ingress).get("tls.key"));
        assertTrue(ingress.createOnly(), "cert-manager owns it after creation");
        KubeSecret ca = secret(step, "tls-ca");
        assertEquals(Map.of("cacerts.pem", pki("site/cacerts.pem")), data(ca), "E.2: key cacerts.pem = the site root");
        KubeSecret valuesSecret = secret(step, "seed-rancher-values");
        assertEquals("kube-system", valuesSecret.namespace(), "D: valuesSecrets live beside the HelmChart");
        assertEquals("rancher-Bootstrap-123", YAML.readTree(data(valuesSecret).get("values.yaml")).path("bootstrapPassword").asText());
    }

    @Test
    void rancherReplicasFollowTheServersUpToThree() throws Exception {
        Inventory inventory = load(write("three.yaml", ""));
        assertEquals(1, RancherApp.replicas(inventory));
        Path five = work.resolve("five.yaml");
        Files.writeString(five, Files.readString(write("five.yaml", "")).replace("cluster: {name: seed-lab,",
                "cluster: {name: seed-lab, registrationAddress: seed.lab.example.internal,").replace("hosts:\n", "hosts:\n"
                + "  - {name: seed-0, address: 192.0.2.9, role: server, bootstrap: true}\n"
                + "  - {name: seed-2, address: 192.0.2.11, role: server}\n  - {name: seed-3, address: 192.0.2.12, role: server}\n"
                + "  - {name: seed-4, address: 192.0.2.13, role: server}\n"));
        assertEquals(3, RancherApp.replicas(load(five)));
    }

    @Test
    void argoCdPreWiredWithHashedPasswordRepoSeedClusterAndApplicationSets() throws Exception {
        AppStep step = step(plan(load(write("argo.yaml", ""))), "ArgoCD");
        JsonNode chart = helmChart(step);
        assertHelmChart(chart, "argocd", "argocd", "argo-cd");
        JsonNode values = values(chart);
        assertEquals("argocd.lab.example.internal", values.path("global").path("domain").asText());
        assertTrue(values.path("server").path("ingress").path("enabled").asBoolean());
        assertTrue(values.path("server").path("ingress").path("tls").asBoolean());
        assertTrue(values.path("configs").path("params").path("server.insecure").asBoolean(), "TLS ends at the ingress");
        assertFalse(step.chart().content().contains("$2a$"), "the hash is in a Secret, not valuesContent");

        // F.1: bcrypt hash that verifies against the password, fixed mtime
        JsonNode secretValues = YAML.readTree(data(secret(step, "seed-argocd-values")).get("values.yaml")).path("configs").path("secret");
        String hash = secretValues.path("argocdServerAdminPassword").asText();
        assertTrue(PasswordHashes.matches(hash, Secret.literal("argo-Admin-456")), hash);
        assertFalse(PasswordHashes.matches(hash, Secret.literal("wrong")));
        assertEquals("2026-08-22T10:15:00Z", secretValues.path("argocdServerAdminPasswordMtime").asText());
        assertTrue(secret(step, "seed-argocd-values").createOnly(), "made once: a new mtime would end every session");

        KubeSecret tls = secret(step, "argocd-server-tls");
        assertEquals(pki("site/certs/argocd.lab.example.internal/tls.crt"), data(tls).get("tls.crt"));

        // F.4 repository Secret
        KubeSecret repo = secret(step, "seed-site-repo");
        assertEquals("repository", repo.labels().get("argocd.argoproj.io/secret-type"));
        assertEquals(Map.of("type", "git", "url", "https://git.lab.example.internal/platform/fleet.git", "username", "argocd",
                "password", "git-token-789"), data(repo));

        // F.2 the seed as a cluster Secret with the inventory's labels
        KubeSecret cluster = secret(step, "seed-cluster");
        assertEquals(Map.of("argocd.argoproj.io/secret-type", "cluster", "app/monitoring", "install", "env", "lab"), cluster.labels());
        // and its annotations (the per-cluster values catalog entries read), in what kubectl is fed
        Map<String, String> annotations = Map.of("catalog.seed-bootstrap.io/traefik-load-balancer-ip", "10.0.10.240",
                "example.com/note", "any text: even spaces");
        assertEquals(annotations, cluster.annotations());
        assertEquals(annotations, new ObjectMapper().convertValue(new ObjectMapper().readTree(cluster.json()).path("metadata").path("annotations"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
        assertTrue(new ObjectMapper().readTree(repo.json()).path("metadata").path("annotations").isMissingNode(), "others carry none");
        assertEquals("https://kubernetes.default.svc", data(cluster).get("server"));
        assertEquals("seed-lab", data(cluster).get("name"));
        assertEquals(false, new ObjectMapper().readTree(data(cluster).get("config")).path("tlsClientConfig").path("insecure").asBoolean(true));

        // F.3: one ApplicationSet, components x clusters labelled app/<name>: install, synced wave by wave
        List<JsonNode> sets = new ArrayList<>();
        YAML.readValues(YAML.getFactory().createParser(step.afterChart().get(0).content()), JsonNode.class).forEachRemaining(sets::add);
        assertEquals(1, sets.size());
        JsonNode set = sets.get(0);
        assertEquals("argoproj.io/v1alpha1", set.path("apiVersion").asText());
        assertEquals("seed-components", set.path("metadata").path("name").asText());
        assertEquals("argocd", set.path("metadata").path("namespace").asText());
        JsonNode matrix = set.path("spec").path("generators").get(0).path("matrix").path("generators");
        JsonNode elements = matrix.get(0).path("list").path("elements");
        assertEquals("{\"component\":\"cert-manager\",\"componentNamespace\":\"cert-manager\",\"componentPath\":\"components/cert-manager\","
                + "\"wave\":\"w0\"}", elements.get(0).toString());
        assertEquals("{\"component\":\"monitoring\",\"componentNamespace\":\"cattle-monitoring-system\","
                + "\"componentPath\":\"components/monitoring\",\"wave\":\"w2\"}", elements.get(1).toString());
        assertEquals("install", matrix.get(1).path("clusters").path("selector").path("matchLabels").path("app/{{.component}}").asText());
        JsonNode strategy = set.path("spec").path("strategy");
        assertEquals("RollingSync", strategy.path("type").asText(), "Progressive-Syncs.md: waves of generated Applications need it");
        assertEquals("[{\"matchExpressions\":[{\"key\":\"seed-bootstrap.io/wave\",\"operator\":\"In\",\"values\":[\"w0\"]}]},"
                + "{\"matchExpressions\":[{\"key\":\"seed-bootstrap.io/wave\",\"operator\":\"In\",\"values\":[\"w2\"]}]}]",
                strategy.path("rollingSync").path("steps").toString(), "one step per wave, lowest first");
        JsonNode template = set.path("spec").path("template");
        assertEquals("{{.nameNormalized}}-{{.component}}", template.path("metadata").path("name").asText());
        assertEquals("{{.wave}}", template.path("metadata").path("labels").path("seed-bootstrap.io/wave").asText());
        assertFalse(template.path("metadata").has("annotations"), "no sync-wave annotation: it orders nothing between Applications");
        assertEquals("https://git.lab.example.internal/platform/fleet.git", template.path("spec").path("source").path("repoURL").asText());
        assertEquals("{{.componentPath}}", template.path("spec").path("source").path("path").asText());
        assertEquals("main", template.path("spec").path("source").path("targetRevision").asText());
        assertEquals("{{.server}}", template.path("spec").path("destination").path("server").asText());
        assertEquals("{{.componentNamespace}}", template.path("spec").path("destination").path("namespace").asText());
        assertTrue(template.path("spec").path("syncPolicy").path("automated").path("prune").asBoolean());
        assertTrue(values.path("configs").path("params").path("applicationsetcontroller.enable.progressive.syncs").asBoolean());
    }

    @Test
    void metalLbNamespacePrivilegedThenPoolsAndL2Advertisement() throws Exception {
        AppStep step = step(plan(load(write("metallb.yaml", ""))), "MetalLB");
        assertHelmChart(helmChart(step), "metallb", "metallb-system", "metallb");
        assertEquals(Map.of("pod-security.kubernetes.io/enforce", "privileged", "pod-security.kubernetes.io/audit", "privileged",
                "pod-security.kubernetes.io/warn", "privileged"), step.namespaces().get(0).labels(), "H");
        List<JsonNode> docs = new ArrayList<>();
        YAML.readValues(YAML.getFactory().createParser(step.afterChart().get(0).content()), JsonNode.class).forEachRemaining(docs::add);
        assertEquals("IPAddressPool", docs.get(0).path("kind").asText());
        assertEquals("metallb.io/v1beta1", docs.get(0).path("apiVersion").asText());
        assertEquals("metallb-system", docs.get(0).path("metadata").path("namespace").asText());
        assertEquals("[\"192.0.2.200-192.0.2.220\",\"198.51.100.0/28\"]", docs.get(0).path("spec").path("addresses").toString());
        assertEquals("L2Advertisement", docs.get(1).path("kind").asText());
        assertEquals("ingress", docs.get(1).path("spec").path("ipAddressPools").get(0).asText());
    }

    @Test
    void installOrderAndNoSecretInAnyManifestsFolderFile() throws Exception {
        List<AppStep> steps = plan(load(write("all.yaml", "")));
        assertEquals(List.of("cert-manager", "MetalLB", "Rancher", "ArgoCD"), steps.stream().map(AppStep::app).toList());
        List<String> secrets = new ArrayList<>(ENV.values());
        secrets.add(pki("site/issuing-ca.key").lines().skip(1).findFirst().orElseThrow());
        secrets.add(pki("site/certs/rancher.lab.example.internal/tls.key").lines().skip(1).findFirst().orElseThrow());
        for (AppStep step : steps) {
            List<AppStep.AddOnFile> files = new ArrayList<>(step.afterChart());
            files.add(step.chart());
            for (AppStep.AddOnFile file : files) {
                assertTrue(file.fileName().matches("seed-[a-z0-9-]+\\.yaml"), "D: unique RFC 1123 names, never rke2-*: " + file.fileName());
                for (String secret : secrets) {
                    assertFalse(file.content().contains(secret), file.fileName() + " holds a secret");
                }
                assertFalse(file.content().contains("kind: Secret"), file.fileName());
            }
        }
    }

    @Test
    void badInputsAreAllReportedBeforeAnything() throws Exception {
        // Rancher host name no certificate covers, chart missing, no registry
        Inventory inventory = load(write("bad.yaml", String.join("\n",
                "apps:",
                "  rancher: {hostname: other.lab.example.internal}",
                "  argocd: {enabled: false}")).toAbsolutePath());
        Path noRegistry = work.resolve("noreg.yaml");
        Files.writeString(noRegistry, Files.readString(work.resolve("bad.yaml")).replaceAll("(?s)registries:.*?\\n(apps:)", "$1"));
        Inventory without = load(noRegistry);
        SeedApps.Charts noMetallb = name -> name.equals("metallb") ? Optional.empty() : charts().find(name);
        List<String> problems = SeedApps.problems(without, noMetallb, new SiteMaterial(work.resolve("pki")), NOW);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("the bundle has no chart \"metallb\", which MetalLB (metallb) needs"), problems.get(0));
        assertTrue(problems.get(1).contains("apps.rancher.hostname other.lab.example.internal: no certificate covers it"), problems.get(1));
        assertTrue(problems.get(1).contains("pki init"), problems.get(1));
        assertTrue(problems.get(2).contains("registries.systemDefaultRegistry"), problems.get(2));
        assertEquals(1, SeedApps.problems(inventory, charts(), new SiteMaterial(work.resolve("pki")), NOW).size());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        // the ArgoCD leaf copied where Rancher's should be: present, but for another name
        Path pkiCopy = work.resolve("pki-copy");
        copy(work.resolve("pki"), pkiCopy);
        Path rancherDir = pkiCopy.resolve("site/certs/rancher.lab.example.internal");
        Files.copy(pkiCopy.resolve("site/certs/argocd.lab.example.internal/tls.crt"), rancherDir.resolve("tls.crt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> problems = new SiteMaterial(pkiCopy).leafProblems("rancher.lab.example.internal", "apps.rancher.hostname", NOW);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("does not cover it (its names: DNS:argocd.lab.example.internal)"), problems.get(0));
        assertTrue(new SiteMaterial(work.resolve("pki")).leafProblems("rancher.lab.example.internal", "x", NOW).isEmpty());
        assertFalse(new SiteMaterial(work.resolve("pki")).leafProblems("rancher.lab.example.internal", "x",
                Instant.now().plusSeconds(86400L * 900))
                .isEmpty(), "expired after 825 days");
    }

    @Test
    void aChartTooLargeForChartContentIsRefused() throws Exception {
        Inventory inventory = load(write("large.yaml", ""));
        SeedApps.Charts large = name -> charts().find(name).map(c -> name.equals("rancher")
                ? new SeedApps.Chart(name, "2.14.3", 800_000, c.bytes()) : c);
        List<String> problems = SeedApps.problems(inventory, large, new SiteMaterial(work.resolve("pki")), NOW);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("chart rancher 2.14.3 is 800000 bytes, 1066668 as base64"), problems.get(0));
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
