package io.seedbootstrap.rke2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files install writes for RKE2, rendered from inventories and read back as RKE2 would read them. */
class Rke2FilesTest {
    @TempDir
    Path dir;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Inventory load(String... lines) throws Exception {
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, String.join("\n", lines) + "\napps: {rancher: {enabled: false}, argocd: {enabled: false}}\n");
        return new InventoryLoader(Environment.of(Map.of("REG_PASSWORD", "s3cr3t-reg")), dir)
                .loadOrThrow(file, new LoadOptions(null, Map.of())).inventory();
    }

    private Inventory ha() throws Exception {
        return load(
                "cluster: {name: lab, rke2Version: v1.35.7+rke2r1, cni: cilium, cilium: {kubeProxyReplacement: true},",
                "  registrationAddress: rke2.lab.example.internal, tlsSan: [api.lab.example.internal], ingressController: traefik}",
                "rke2:",
                "  profile: cis",
                "  snapshots: {schedule: '0 */4 * * *', retention: 7}",
                "  config: {kubelet-arg: [max-pods=150]}",
                "  serverConfig: {etcd-arg+: [quota-backend-bytes=8589934592]}",
                "  podSecurityExemptions: [team-x]",
                "registries:",
                "  mirrors: {docker.io: {endpoints: ['https://registry.lab.example.internal:5000']}}",
                "  configs: {'registry.lab.example.internal:5000': {username: robot, password: '${REG_PASSWORD}'}}",
                "hosts:",
                "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true, taints: ['CriticalAddonsOnly=true:NoExecute']}",
                "  - {name: s2, address: 10.0.0.12, role: server, nodeIp: 10.1.0.12}",
                "  - {name: s3, address: 10.0.0.13, role: server}",
                "  - {name: a1, address: 10.0.0.21, role: agent, labels: {zone: a}, config: {kubelet-arg: [max-pods=50]}}");
    }

    @Test
    void theBootstrapServerHasNoServerKeyAndEverythingElseBeforeItsFirstStart() throws Exception {
        Inventory inventory = ha();
        JsonNode config = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(0)));
        assertFalse(config.has("server"), "A.10: the first server registers with nobody");
        assertEquals(Rke2Paths.TOKEN_FILE, config.path("token-file").asText());
        assertEquals(Rke2Paths.AGENT_TOKEN_FILE, config.path("agent-token-file").asText());
        assertEquals("cilium", config.path("cni").asText());
        assertTrue(config.path("disable-kube-proxy").asBoolean());
        assertEquals("traefik", config.path("ingress-controller").get(0).asText());
        // A.10.1: the registration address is always a SAN, first
        assertEquals("rke2.lab.example.internal", config.path("tls-san").get(0).asText());
        assertTrue(config.path("tls-san").toString().contains("api.lab.example.internal"));
        assertTrue(config.path("tls-san").toString().contains("10.1.0.12"), "every server's node IP is a SAN");
        // the mode must stay a string: an unquoted 0600 is the octal number 384 in YAML 1.1
        assertTrue(config.path("write-kubeconfig-mode").isTextual());
        assertEquals("0600", config.path("write-kubeconfig-mode").asText());
        assertEquals("0 */4 * * *", config.path("etcd-snapshot-schedule-cron").asText());
        assertEquals(7, config.path("etcd-snapshot-retention").asInt());
        assertEquals("cis", config.path("profile").asText());
        assertEquals(Rke2Paths.POD_SECURITY_CONFIG, config.path("pod-security-admission-config-file").asText());
        assertEquals("CriticalAddonsOnly=true:NoExecute", config.path("node-taint").get(0).asText());
        assertEquals("10.42.0.0/16", config.path("cluster-cidr").asText());
        // A.5 merge: cluster extra, then role extra with key+ appending
        assertEquals("max-pods=150", config.path("kubelet-arg").get(0).asText());
        assertEquals("quota-backend-bytes=8589934592", config.path("etcd-arg").get(0).asText());
        assertFalse(config.toString().contains("s3cr3t"));
    }

    @Test
    void joiningServersAndAgentsRegisterThroughTheFixedAddress() throws Exception {
        Inventory inventory = ha();
        JsonNode s2 = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(1)));
        assertEquals("https://rke2.lab.example.internal:9345", s2.path("server").asText(), "A.5: the supervisor port, not 6443");
        assertEquals("10.1.0.12", s2.path("node-ip").asText());
        JsonNode agent = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(3)));
        assertEquals("https://rke2.lab.example.internal:9345", agent.path("server").asText());
        assertFalse(agent.has("agent-token-file"), "agents hold the agent token only");
        assertFalse(agent.has("cni") || agent.has("tls-san") || agent.has("cluster-cidr"), "server-only keys stay off agents");
        assertEquals("zone=a", agent.path("node-label").get(0).asText());
        assertEquals("max-pods=50", agent.path("kubelet-arg").get(0).asText(), "host extra config wins (merged last)");
        assertEquals("cis", agent.path("profile").asText());
    }

    @Test
    void theCriticalValuesAreIdenticalOnEveryServer() throws Exception {
        Inventory inventory = ha();
        List<String> critical = List.of("agent-token-file", "cluster-cidr", "service-cidr", "cluster-domain", "disable-kube-proxy", "cni");
        JsonNode first = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(0)));
        for (int i = 1; i < 3; i++) {
            JsonNode other = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(i)));
            for (String key : critical) {
                assertEquals(first.path(key), other.path(key), key + " differs on " + inventory.hosts().get(i).name());
            }
        }
    }

    @Test
    void aSingleServerUsesItsOwnAddressAndCanalNeedsNoChartConfig() throws Exception {
        Inventory inventory = load("cluster: {name: one, rke2Version: v1.35.7+rke2r1}",
                "hosts: [{name: s1, address: 10.0.0.11, role: server}]");
        assertEquals("10.0.0.11", NodeConfig.registrationAddress(inventory));
        JsonNode config = YAML.readTree(NodeConfig.yaml(inventory, inventory.hosts().get(0)));
        assertEquals("ingress-nginx", config.path("ingress-controller").get(0).asText(), "A.5: explicit even when it is the v1.35 default");
        assertFalse(config.has("profile") || config.has("disable-kube-proxy"));
        assertTrue(CniChartConfig.render(inventory.cluster()).isEmpty());
        assertTrue(RegistriesFile.render(inventory.registries()).isEmpty());
    }

    @Test
    void ciliumKubeProxyReplacementChartConfigFollowsA7() throws Exception {
        Inventory inventory = ha();
        JsonNode doc = YAML.readTree(CniChartConfig.render(inventory.cluster()).orElseThrow());
        assertEquals("helm.cattle.io/v1", doc.path("apiVersion").asText());
        assertEquals("HelmChartConfig", doc.path("kind").asText());
        assertEquals("rke2-cilium", doc.path("metadata").path("name").asText());
        assertEquals("kube-system", doc.path("metadata").path("namespace").asText());
        JsonNode values = YAML.readTree(doc.path("spec").path("valuesContent").asText());
        assertTrue(values.path("kubeProxyReplacement").asBoolean());
        assertEquals("localhost", values.path("k8sServiceHost").asText());
        assertEquals("6443", values.path("k8sServicePort").asText());
        assertEquals(Rke2Paths.MANIFESTS + "/rke2-cilium-config.yaml", CniChartConfig.path(inventory.cluster().cni()));
    }

    @Test
    void registriesFollowA6() throws Exception {
        JsonNode doc = YAML.readTree(RegistriesFile.render(ha().registries()).orElseThrow());
        assertEquals("https://registry.lab.example.internal:5000", doc.path("mirrors").path("docker.io").path("endpoint").get(0).asText());
        JsonNode auth = doc.path("configs").path("registry.lab.example.internal:5000").path("auth");
        assertEquals("robot", auth.path("username").asText());
        assertEquals("s3cr3t-reg", auth.path("password").asText(), "the password is in the 0600 file, nowhere else");
    }

    @Test
    void podSecurityExemptsTheSeedAppsAndTheInventorysNamespaces() throws Exception {
        JsonNode doc = YAML.readTree(PodSecurityConfig.yaml(List.of("team-x")));
        JsonNode configuration = doc.path("plugins").get(0).path("configuration");
        assertEquals("restricted", configuration.path("defaults").path("enforce").asText());
        String namespaces = configuration.path("exemptions").path("namespaces").toString();
        for (String ns : List.of("kube-system", "cattle-system", "cert-manager", "argocd", "metallb-system", "fleet-local", "team-x")) {
            assertTrue(namespaces.contains("\"" + ns + "\""), ns + " not exempt: " + namespaces);
        }
    }

    @Test
    void kubeconfigPointsAtTheRegistrationAddressWithTheClustersName() throws Exception {
        String rke2Yaml = String.join("\n", "apiVersion: v1",
                "clusters:", "- cluster:", "    certificate-authority-data: Q0E=", "    server: https://127.0.0.1:6443", "  name: default",
                "contexts:", "- context:", "    cluster: default", "    user: default", "  name: default",
                "current-context: default", "kind: Config",
                "users:", "- name: default", "  user:", "    client-certificate-data: Q0VSVA==", "    client-key-data: S0VZ", "");
        JsonNode kc = YAML.readTree(Kubeconfig.forOperator(rke2Yaml, "lab", "rke2.lab.example.internal"));
        assertEquals("https://rke2.lab.example.internal:6443", kc.path("clusters").get(0).path("cluster").path("server").asText());
        assertEquals("lab", kc.path("current-context").asText());
        assertEquals("lab", kc.path("contexts").get(0).path("context").path("cluster").asText());
        assertEquals("lab-admin", kc.path("users").get(0).path("name").asText());
        assertEquals("S0VZ", kc.path("users").get(0).path("user").path("client-key-data").asText());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kubeconfig.forOperator("client-key-data: S0VZ\n", "x", "y"));
        assertFalse(e.getMessage().contains("S0VZ"), "a broken kubeconfig's content is never echoed");
    }

    @Test
    void nodeStatusReadsReadyRolesAndVersion() {
        String json = "{\"items\":[{\"metadata\":{\"name\":\"s1\",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"true\"},"
                + "\"annotations\":{\"seed-bootstrap.io/cordoned-by-upgrade\":\"run-1\"}},"
                + "\"status\":{\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}],"
                + "\"nodeInfo\":{\"kubeletVersion\":\"v1.35.7+rke2r1\"},\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.11\"}]}},"
                + "{\"metadata\":{\"name\":\"a1\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}]}";
        List<NodeStatus> nodes = NodeStatus.parseList(json);
        assertTrue(nodes.get(0).ready());
        assertEquals(List.of("control-plane"), nodes.get(0).roles());
        assertEquals("10.0.0.11", nodes.get(0).internalIp());
        assertFalse(nodes.get(1).ready());
        assertEquals(Map.of("seed-bootstrap.io/cordoned-by-upgrade", "run-1"), nodes.get(0).annotations());
        assertEquals(Map.of(), nodes.get(1).annotations());
    }
}
