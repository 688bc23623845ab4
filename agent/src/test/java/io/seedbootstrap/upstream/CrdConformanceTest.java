package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.KubeSecret;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.CniChartConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 2: every object install applies is valid for the served version of its CRD in
 * ../shared/upstream (cert-manager v1.20.3, Argo CD v3.4.4, helm-controller, and MetalLB's CRDs
 * as its 0.16.1 chart installs them), unknown fields being errors ({@link CrdSchemas}), under
 * every combination of the inventory's options that shape them; the Secrets and Namespaces
 * install creates with kubectl are checked as core/v1 objects ({@link CoreSchemas}).
 */
class CrdConformanceTest {
    @TempDir
    static Path work;
    static CrdSchemas crds;
    static SiteMaterial site;
    static Path vaultTlsCa;
    static Path vaultPkiCa;
    static Path gitCa;
    static Path sshKey;

    @BeforeAll
    static void load() throws Exception {
        // MetalLB ships its CRDs in a subchart template; its one template expression (the conversion webhook's
        // namespace) filled as Helm fills it for the release namespace (UpstreamChartsRenderTest renders the same CRDs)
        Path metallb = work.resolve("metallb-crds.yaml");
        Files.writeString(metallb, Files.readString(Upstream.path("charts/metallb/charts/crds/templates/crds.yaml"))
                .replace("{{ .Release.Namespace }}", "metallb-system"));
        crds = CrdSchemas.load(List.of(Upstream.path("crds/cert-manager"), Upstream.path("crds/argo-cd"),
                Upstream.path("helm-controller/crds"), metallb));
        Path pkiWork = Files.createDirectories(work.resolve("pki-work"));
        Files.writeString(pkiWork.resolve("pki.yaml"), "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}\n"
                + "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}\n"
                + "apps: {rancher: {hostname: rancher.lab.example.internal}, argocd: {hostname: argocd.lab.example.internal}}\n"
                + "hosts:\n  - {name: seed-1, address: 192.0.2.10, role: server}\n");
        var init = io.seedbootstrap.cli.CommandRunner.run(Map.of(), pkiWork, "pki", "init", pkiWork.resolve("pki.yaml").toString());
        assertEquals(0, init.exitCode(), init.err());
        site = new SiteMaterial(pkiWork.resolve("pki"));
        vaultTlsCa = write("vault-tls-ca.pem", Files.readString(pkiWork.resolve("pki/site/root-ca.crt")));
        vaultPkiCa = write("vault-pki-ca.pem", Files.readString(pkiWork.resolve("pki/cluster/root-ca.crt")));
        gitCa = write("git-ca.pem", Files.readString(pkiWork.resolve("pki/site/root-ca.crt")));
        sshKey = write("git-ssh.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n");
    }

    private static Path write(String name, String content) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    /** One inventory per combination of the options that shape the objects install writes. */
    static Map<String, String> combinations() {
        Map<String, String> issuers = new LinkedHashMap<>();
        issuers.put("ca", "{name: site-ca, type: ca}");
        String vault = "{name: vault-issuer, type: vault, vault: {server: \"https://vault.lab.example.internal:8200\", "
                + "path: pki_int/sign/lab, roleId: role-1, secretId: \"${VAULT_SECRET_ID}\", pkiCaFile: " + vaultPkiCa;
        issuers.put("vault", vault + "}}");
        issuers.put("vault+tls-ca", vault + ", caFile: " + vaultTlsCa + ", appRolePath: approle-seed}}");
        Map<String, String> metallb = new LinkedHashMap<>();
        metallb.put("no-metallb", "metallb: {enabled: false}");
        metallb.put("l2", "metallb: {enabled: true, pools: [{name: ingress, addresses: [\"192.0.2.200-192.0.2.220\", \"198.51.100.0/28\"]},"
                + " {name: reserved, addresses: [\"2001:db8::/120\"], autoAssign: false}]}");
        metallb.put("bgp", "metallb: {enabled: true, mode: bgp, pools: [{name: ingress, addresses: [\"192.0.2.200/29\"]}],"
                + " bgpPeers: [{peerAddress: 192.0.2.1, peerAsn: 64500, myAsn: 64501}, {peerAddress: 192.0.2.2, peerAsn: 4200000000, myAsn: 64501}]}");
        Map<String, String> repos = new LinkedHashMap<>();
        repos.put("https-repo", "repo: {url: \"https://git.lab.example.internal/platform/fleet.git\", username: argocd, "
                + "password: \"${SEED_GIT_TOKEN}\", caFile: " + gitCa + "}");
        repos.put("ssh-repo", "repo: {url: \"ssh://git@git.lab.example.internal/platform/fleet.git\", path: platform, revision: v1.2.0, "
                + "sshPrivateKeyFile: " + sshKey + "}");
        Map<String, String> components = new LinkedHashMap<>();
        components.put("no-components", "");
        components.put("components", "  components:\n    - {name: cert-manager, wave: -5}\n"
                + "    - {name: monitoring, namespace: cattle-monitoring-system, wave: 2}\n"
                + "    - {name: velero, path: backup/velero}\n  seedLabels: {app/monitoring: install, env: lab}\n");
        Map<String, String> combinations = new LinkedHashMap<>();
        for (var issuer : issuers.entrySet()) {
            for (var lb : metallb.entrySet()) {
                for (var repo : repos.entrySet()) {
                    for (var component : components.entrySet()) {
                        for (boolean rancher : new boolean[] {true, false}) {
                            for (boolean argocdHost : new boolean[] {true, false}) {
                                String name = String.join(",", issuer.getKey(), lb.getKey(), repo.getKey(), component.getKey(),
                                        rancher ? "rancher" : "no-rancher", argocdHost ? "argocd-ingress" : "no-argocd-ingress");
                                combinations.put(name, String.join("\n",
                                        "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, ingressController: traefik}",
                                        "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                                        "registries:",
                                        "  systemDefaultRegistry: registry.lab.example.internal:5000",
                                        "  mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}",
                                        "apps:",
                                        "  certManager: {issuer: " + issuer.getValue() + "}",
                                        "  rancher: {enabled: " + rancher + ", hostname: rancher.lab.example.internal}",
                                        "  argocd:",
                                        argocdHost ? "    hostname: argocd.lab.example.internal" : "",
                                        "    " + repo.getValue(),
                                        component.getValue(),
                                        lb.getValue(),
                                        "hosts:",
                                        "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
                            }
                        }
                    }
                }
            }
        }
        return combinations;
    }

    @Test
    void everyObjectInstallAppliesIsValidForItsSchemaUnderEveryOptionCombination() throws Exception {
        Map<String, Set<String>> failures = new TreeMap<>();
        Set<String> seen = new TreeSet<>();
        Map<String, String> combinations = combinations();
        for (var combination : combinations.entrySet()) {
            Path dir = Files.createDirectories(work.resolve("combination-" + seen.size() + "-" + combination.getKey().hashCode()));
            Path file = dir.resolve("inventory.yaml");
            Files.writeString(file, combination.getValue());
            Inventory inventory = SeedAppsFixture.load(file, dir);
            Map<String, byte[]> charts = Map.of("cert-manager", new byte[] {1}, "metallb", new byte[] {2}, "rancher", new byte[] {3},
                    "argo-cd", new byte[] {4});
            assertTrue(io.seedbootstrap.apps.SeedApps.problems(inventory, name -> java.util.Optional.of(new io.seedbootstrap.apps.SeedApps.Chart(
                    name, "1", 1, () -> charts.get(name))), site, SeedAppsFixture.NOW).isEmpty(), combination.getKey());
            for (AppStep step : SeedAppsFixture.plan(inventory, site, charts)) {
                List<AppStep.AddOnFile> files = new ArrayList<>(List.of(step.chart()));
                files.addAll(step.afterChart());
                for (AppStep.AddOnFile addOn : files) {
                    for (JsonNode object : UpstreamCharts.documents(addOn.content())) {
                        seen.add(object.path("apiVersion").asText() + " " + object.path("kind").asText());
                        record(failures, combination.getKey(), addOn.fileName() + " " + describe(object), crds.problems(object));
                    }
                }
                for (AppStep.Namespace namespace : step.namespaces()) {
                    JsonNode object = CrdSchemas.JSON.readTree(namespace.json());
                    seen.add("v1 Namespace");
                    record(failures, combination.getKey(), describe(object), CoreSchemas.problems(CoreSchemas.NAMESPACE, object));
                }
                for (KubeSecret secret : step.secrets()) {
                    if (secret.createOnly() && secret.name().equals("seed-argocd-values") && !combination.getKey().startsWith("ca,l2,https")) {
                        continue; // its data is a bcrypt hash (slow by design): one shape, checked in the first combinations
                    }
                    JsonNode object = CrdSchemas.JSON.readTree(secret.json());
                    seen.add("v1 Secret " + secret.labels().getOrDefault("argocd.argoproj.io/secret-type", secret.type()));
                    record(failures, combination.getKey(), describe(object), secretProblems(object));
                }
            }
        }
        assertEquals(Map.of(), failures);
        assertEquals(Set.of("argoproj.io/v1alpha1 ApplicationSet", "cert-manager.io/v1 ClusterIssuer", "helm.cattle.io/v1 HelmChart",
                "metallb.io/v1beta1 BGPAdvertisement", "metallb.io/v1beta1 IPAddressPool", "metallb.io/v1beta1 L2Advertisement",
                "metallb.io/v1beta2 BGPPeer", "v1 Namespace", "v1 Secret Opaque", "v1 Secret cluster", "v1 Secret kubernetes.io/tls",
                "v1 Secret repository"), seen, "every kind install applies was checked");
        assertEquals(3 * 3 * 2 * 2 * 2 * 2, combinations.size());
    }

    /** A.7: the CNI's HelmChartConfig, for each CNI setting that writes one. */
    @Test
    void theCniHelmChartConfigIsValidForHelmControllersCrd() throws Exception {
        int written = 0;
        for (String cni : List.of("cni: canal", "cni: cilium", "cni: cilium, cilium: {kubeProxyReplacement: true}",
                "cni: cilium, cilium: {kubeProxyReplacement: false}")) {
            Path dir = Files.createDirectories(work.resolve("cni-" + written + "-" + cni.length()));
            Path file = dir.resolve("inventory.yaml");
            Files.writeString(file, "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, " + cni + "}\n"
                    + "pki: {dir: ./pki}\napps: {rancher: {enabled: false}, argocd: {enabled: false}}\n"
                    + "hosts:\n  - {name: seed-1, address: 192.0.2.10, role: server}\n");
            var config = CniChartConfig.render(SeedAppsFixture.load(file, dir).cluster());
            if (config.isPresent()) {
                written++;
                JsonNode object = UpstreamCharts.documents(config.get()).get(0);
                assertEquals("HelmChartConfig", object.path("kind").asText());
                assertEquals(Set.of(), crds.problems(object), cni);
            }
        }
        assertEquals(1, written, "only Cilium's kube-proxy replacement changes the chart's defaults");
    }

    /** D: the HelmChartConfig a re-run applies for one run to recover a failed release (DeploySeedApps), for each policy it sets. */
    @Test
    void theRecoveryHelmChartConfigIsValidForHelmControllersCrd() {
        for (String policy : List.of("reinstall", "retry")) {
            JsonNode object = io.seedbootstrap.phase.install.DeploySeedApps.recoveryConfig("rancher", policy);
            assertEquals(Set.of(), crds.problems(object), policy);
        }
        Set<String> unknown = crds.problems(io.seedbootstrap.phase.install.DeploySeedApps.recoveryConfig("rancher", "rollback"));
        assertTrue(unknown.stream().anyMatch(p -> p.contains("failurePolicy")), "a policy helm-controller does not know is refused: " + unknown);
    }

    /** The checks find what they are for: each broken object is refused with the reason. */
    @Test
    void theSchemasRejectUnknownFieldsWrongTypesAndBadMetadata() throws Exception {
        ObjectNode issuer = (ObjectNode) UpstreamCharts.YAML.readTree(
                "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: site-ca}\nspec: {ca: {secretName: k}}\n");
        assertEquals(Set.of(), crds.problems(issuer));
        ((ObjectNode) issuer.path("spec").path("ca")).put("secretname", "typo");
        assertTrue(crds.problems(issuer).toString().contains("secretname"), crds.problems(issuer).toString());

        ObjectNode chart = (ObjectNode) UpstreamCharts.YAML.readTree("apiVersion: helm.cattle.io/v1\nkind: HelmChart\n"
                + "metadata: {name: x, namespace: kube-system}\nspec: {chartContent: eA==, timeout: 600s, failurePolicy: abort}\n");
        assertEquals(Set.of(), crds.problems(chart));
        ((ObjectNode) chart.path("spec")).put("failurePolicy", "explode");
        assertFalse(crds.problems(chart).isEmpty(), "enum");
        ((ObjectNode) chart.path("spec")).put("failurePolicy", "abort").put("createNamespace", "yes");
        assertFalse(crds.problems(chart).isEmpty(), "type");

        ObjectNode set = (ObjectNode) UpstreamCharts.YAML.readTree("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\n"
                + "metadata: {name: s, namespace: argocd, labels: {seed-bootstrap.io/wave: w-5}}\n"
                + "spec: {generators: [], template: {metadata: {}, spec: {project: default, destination: {}}},"
                + " strategy: {type: RollingSync, rollingSync: {steps: []}}}\n");
        assertEquals(Set.of(), crds.problems(set));
        ((ObjectNode) set.path("spec").path("strategy").path("rollingSync")).put("defaultPrune", true);
        assertTrue(crds.problems(set).toString().contains("defaultPrune"), "not in Argo CD v3.4.4's CRD: " + crds.problems(set));
        ((ObjectNode) set.path("spec").path("strategy").path("rollingSync")).remove("defaultPrune");
        ((ObjectNode) set.path("metadata").path("labels")).put("seed-bootstrap.io/wave", "-5");
        assertFalse(crds.problems(set).isEmpty(), "a label value cannot start with '-'");
        ((ObjectNode) set.path("metadata")).remove("namespace");
        assertTrue(crds.problems(set).toString().contains("namespace"), "namespaced");

        JsonNode tls = CrdSchemas.JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"t\",\"namespace\":\"n\"},"
                + "\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"eA==\"}}");
        assertFalse(secretProblems(tls).isEmpty(), "a TLS Secret without tls.key");
        JsonNode cluster = CrdSchemas.JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"c\",\"namespace\":\"argocd\","
                + "\"labels\":{\"argocd.argoproj.io/secret-type\":\"cluster\"}},\"type\":\"Opaque\",\"data\":{\"name\":\"eA==\",\"server\":\""
                + b64("https://x") + "\",\"config\":\"" + b64("{\"tlsClientConfig\":{\"insecure\":\"no\"}}") + "\"}}");
        assertTrue(secretProblems(cluster).toString().contains("insecure"), secretProblems(cluster).toString());
    }

    /** A Secret as core/v1, then what Argo CD reads in it when it is one of Argo CD's. */
    static Set<String> secretProblems(JsonNode secret) throws Exception {
        Set<String> problems = new TreeSet<>(CoreSchemas.problems(CoreSchemas.SECRET, secret));
        String type = secret.path("metadata").path("labels").path("argocd.argoproj.io/secret-type").asText();
        if (type.isEmpty()) {
            return problems;
        }
        ObjectNode decoded = CrdSchemas.JSON.createObjectNode();
        secret.path("data").fields().forEachRemaining(e -> decoded.put(e.getKey(),
                new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        switch (type) {
            case "cluster" -> {
                problems.addAll(CoreSchemas.problems(CoreSchemas.ARGOCD_CLUSTER, decoded));
                problems.addAll(CoreSchemas.problems(CoreSchemas.ARGOCD_CLUSTER_CONFIG, CrdSchemas.JSON.readTree(decoded.path("config").asText("{}"))));
            }
            case "repository" -> problems.addAll(CoreSchemas.problems(CoreSchemas.ARGOCD_REPOSITORY, decoded));
            default -> problems.add("unknown argocd.argoproj.io/secret-type " + type);
        }
        return problems;
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("namespace").asText("") + "/"
                + object.path("metadata").path("name").asText();
    }

    private static void record(Map<String, Set<String>> failures, String combination, String what, Set<String> problems) {
        if (!problems.isEmpty()) {
            failures.computeIfAbsent(what + " [" + combination + "]", k -> new TreeSet<>()).addAll(problems);
        }
    }
}
