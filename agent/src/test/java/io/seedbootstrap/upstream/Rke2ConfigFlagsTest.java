package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.rke2.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 3: every key the rke2 renderers write to /etc/rancher/rke2/config.yaml, under
 * every combination of the inventory options that shape it, is a flag of {@code rke2 server} or
 * {@code rke2 agent} as RKE2 v1.35.7+rke2r1's own CLI files define it ({@link Rke2Flags}), with a
 * value of the flag's kind. config.yaml keys are flags (contract A.5): K3s' configfilearg turns
 * {@code key: value} into {@code --key=value} and a list into one {@code --key=item} per item, so
 * a list flag may also take one scalar, while a string, bool or int flag given a list is repeated,
 * the last one winning (K3s pkg/configfilearg/parser.go readConfigFile).
 */
class Rke2ConfigFlagsTest {
    /**
     * The kinds of the K3s flags RKE2 passes through that config.yaml may carry: their definitions
     * are in K3s pkg/cli/cmds/server.go and agent.go (the K3s module rke2's go.mod pins,
     * v1.35.7-0.20260720191031-7464a828f03e, release-1.35), not in ../shared/upstream. A key missing
     * here fails the test, so a new key is looked up there before it is written.
     */
    static final Map<String, Rke2Flags.Kind> K3S_KINDS = Map.ofEntries(
            Map.entry("server", Rke2Flags.Kind.STRING), // &cli.StringFlag{Name: "server,s"}
            Map.entry("token-file", Rke2Flags.Kind.STRING),
            Map.entry("agent-token-file", Rke2Flags.Kind.STRING),
            Map.entry("node-name", Rke2Flags.Kind.STRING), // NodeNameFlag
            Map.entry("node-ip", Rke2Flags.Kind.LIST), // NodeIPFlag = &cli.StringSliceFlag
            Map.entry("node-label", Rke2Flags.Kind.LIST), // NodeLabels
            Map.entry("node-taint", Rke2Flags.Kind.LIST), // NodeTaints
            Map.entry("tls-san", Rke2Flags.Kind.LIST),
            Map.entry("disable-kube-proxy", Rke2Flags.Kind.BOOL),
            Map.entry("write-kubeconfig-mode", Rke2Flags.Kind.STRING),
            Map.entry("cluster-cidr", Rke2Flags.Kind.LIST), // ClusterCIDR = &cli.StringSliceFlag
            Map.entry("service-cidr", Rke2Flags.Kind.LIST),
            Map.entry("cluster-domain", Rke2Flags.Kind.STRING),
            Map.entry("etcd-snapshot-schedule-cron", Rke2Flags.Kind.STRING),
            Map.entry("etcd-snapshot-retention", Rke2Flags.Kind.INT),
            Map.entry("etcd-snapshot-compress", Rke2Flags.Kind.BOOL),
            Map.entry("etcd-disable-snapshots", Rke2Flags.Kind.BOOL),
            Map.entry("system-default-registry", Rke2Flags.Kind.STRING),
            Map.entry("selinux", Rke2Flags.Kind.BOOL), // SELinuxFlag
            Map.entry("disable-default-registry-endpoint", Rke2Flags.Kind.BOOL),
            Map.entry("kubelet-arg", Rke2Flags.Kind.LIST), // ExtraKubeletArgs
            Map.entry("etcd-arg", Rke2Flags.Kind.LIST)); // ExtraEtcdArgs

    @TempDir
    Path work;

    @Test
    void theFlagParserReadsBothRolesFromRke2sOwnFiles() throws Exception {
        Map<String, Rke2Flags.Flag> server = Rke2Flags.server();
        Map<String, Rke2Flags.Flag> agent = Rke2Flags.agent();
        // RKE2's own flags, with the kind their definition gives
        assertEquals(Rke2Flags.Kind.LIST, server.get("cni").kind());
        assertEquals(Rke2Flags.Kind.LIST, server.get("ingress-controller").kind());
        assertEquals(Rke2Flags.Kind.BOOL, server.get("enable-servicelb").kind());
        assertEquals(Rke2Flags.Kind.STRING, server.get("profile").kind(), "commonFlag (root.go)");
        assertEquals(Rke2Flags.Kind.STRING, agent.get("profile").kind(), "commonFlag (root.go)");
        assertEquals(Rke2Flags.Kind.STRING, agent.get("pod-security-admission-config-file").kind());
        assertEquals(Rke2Flags.Kind.STRING, agent.get("system-default-registry").kind(), "agent.go deprecatedFlags (hidden)");
        // K3s flags: passed through unless dropped
        assertTrue(server.get("tls-san").evidence().startsWith("server.go:"), server.get("tls-san").evidence());
        assertTrue(server.get("tls-san").evidence().endsWith("\"tls-san\":                copyFlag,"), server.get("tls-san").evidence());
        assertTrue(server.containsKey("data-dir"), "a K3SFlagOption literal keeps the flag");
        assertTrue(server.containsKey("secrets-encryption"), "hideFlag keeps the flag");
        for (String dropped : List.of("cluster-init", "flannel-backend", "disable-network-policy", "kube-controller-arg", "https-listen-port")) {
            assertTrue(!server.containsKey(dropped), dropped + " is dropFlag in server.go");
        }
        assertTrue(!agent.containsKey("cni") && !agent.containsKey("tls-san") && !agent.containsKey("agent-token-file"),
                "server-only flags are not agent flags");
        assertTrue(agent.containsKey("node-ip") && agent.containsKey("kubelet-arg") && !agent.containsKey("disable-apiserver-lb"));
        assertTrue(!agent.containsKey("disable-kube-proxy") && !agent.containsKey("etcd-snapshot-retention"));
        // the kind check refuses what configfilearg would mangle
        var yaml = UpstreamCharts.YAML;
        assertTrue(!matches(Rke2Flags.Kind.INT, yaml.readTree("\"10\"")) && matches(Rke2Flags.Kind.INT, yaml.readTree("10")));
        assertTrue(!matches(Rke2Flags.Kind.BOOL, yaml.readTree("\"true\"")) && matches(Rke2Flags.Kind.BOOL, yaml.readTree("true")));
        assertTrue(!matches(Rke2Flags.Kind.STRING, yaml.readTree("[a, b]")) && matches(Rke2Flags.Kind.LIST, yaml.readTree("[a, b]")));
        assertTrue(matches(Rke2Flags.Kind.LIST, yaml.readTree("canal")), "one scalar is one --flag=value");
    }

    @Test
    void everyConfigYamlKeyIsAFlagOfItsRoleWithAValueOfItsKind() throws Exception {
        Map<String, Rke2Flags.Flag> server = Rke2Flags.server();
        Map<String, Rke2Flags.Flag> agent = Rke2Flags.agent();
        Map<String, Set<String>> failures = new TreeMap<>();
        Set<String> written = new TreeSet<>();
        List<Path> inventories = new ArrayList<>();
        for (String example : List.of("single-node.yaml", "ha-3-servers.yaml", "airgap-registry.yaml")) {
            inventories.add(SeedAppsFixture.EXAMPLES.resolve(example));
        }
        inventories.addAll(combinations());
        for (Path file : inventories) {
            Inventory inventory = SeedAppsFixture.load(file, work);
            for (Host host : inventory.hosts()) {
                boolean isServer = host.role() == Role.SERVER;
                Map<String, Rke2Flags.Flag> flags = isServer ? server : agent;
                // the file as written to the host, read back as RKE2 reads YAML
                JsonNode config = UpstreamCharts.YAML.readTree(NodeConfig.yaml(inventory, host));
                config.fields().forEachRemaining(entry -> {
                    String key = entry.getKey();
                    written.add((isServer ? "server " : "agent ") + key);
                    Rke2Flags.Flag flag = flags.get(key);
                    String where = file.getFileName() + " " + host.name() + " (" + (isServer ? "rke2 server" : "rke2 agent") + ")";
                    if (flag == null) {
                        failures.computeIfAbsent(where, k -> new TreeSet<>()).add(key + ": not a flag of this role in rke2/cli-cmds");
                        return;
                    }
                    Rke2Flags.Kind kind = flag.kind() == Rke2Flags.Kind.K3S ? K3S_KINDS.get(key) : flag.kind();
                    if (kind == null) {
                        failures.computeIfAbsent(where, k -> new TreeSet<>()).add(key + ": a K3s flag (" + flag.evidence()
                                + ") whose kind K3S_KINDS does not record yet");
                    } else if (!matches(kind, entry.getValue())) {
                        failures.computeIfAbsent(where, k -> new TreeSet<>()).add(key + ": " + entry.getValue() + " is not a value of a "
                                + kind + " flag (" + flag.evidence() + ")");
                    }
                });
            }
        }
        assertEquals(Map.of(), failures);
        // every key the renderer can write was exercised, on the roles that get it
        for (String key : List.of("server token-file", "server agent-token-file", "server node-name", "server node-ip", "server node-label",
                "server node-taint", "server tls-san", "server cni", "server disable-kube-proxy", "server ingress-controller",
                "server write-kubeconfig-mode", "server cluster-cidr", "server service-cidr", "server cluster-domain",
                "server etcd-snapshot-schedule-cron", "server etcd-snapshot-retention", "server etcd-snapshot-compress",
                "server etcd-disable-snapshots", "server pod-security-admission-config-file", "server system-default-registry",
                "server profile", "server selinux", "server disable-default-registry-endpoint", "server server", "server kubelet-arg",
                "server etcd-arg", "agent server", "agent token-file", "agent node-name", "agent node-ip", "agent node-label",
                "agent node-taint", "agent profile", "agent selinux", "agent disable-default-registry-endpoint", "agent kubelet-arg")) {
            assertTrue(written.contains(key), key + " never written: " + written);
        }
    }

    /** K3s configfilearg: bools and ints as YAML bools and ints; a list flag takes a list or one scalar. */
    static boolean matches(Rke2Flags.Kind kind, JsonNode value) {
        return switch (kind) {
            case STRING -> value.isTextual();
            case LIST -> value.isTextual() || value.isArray() && java.util.stream.StreamSupport.stream(value.spliterator(), false)
                    .allMatch(JsonNode::isValueNode);
            case BOOL -> value.isBoolean();
            case INT -> value.isIntegralNumber();
            case DURATION -> value.isTextual() && value.asText().matches("(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+");
            case K3S -> false;
        };
    }

    /** Every combination of the options NodeConfig reads, each with a bootstrap server, a joining server and an agent. */
    List<Path> combinations() throws Exception {
        List<Path> files = new ArrayList<>();
        List<String> cnis = List.of("cni: canal", "cni: cilium", "cni: cilium, cilium: {kubeProxyReplacement: true}");
        List<String> snapshots = List.of("", "snapshots: {schedule: \"0 */4 * * *\", retention: 18, compress: true}, ",
                "snapshots: {enabled: false}, ");
        int n = 0;
        for (String cni : cnis) {
            for (String profile : List.of("", "profile: cis, ")) {
                for (String snapshot : snapshots) {
                    for (String selinux : List.of("", "selinux: true, ")) {
                        for (boolean registry : new boolean[] {false, true}) {
                            Path file = work.resolve("combination-" + (n++) + ".yaml");
                            Files.writeString(file, String.join("\n",
                                    "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, " + cni + ", registrationAddress: seed.lab.example.internal,"
                                            + " tlsSan: [10.0.0.100], ingressController: traefik}",
                                    "pki: {dir: ./pki}",
                                    "rke2: {" + profile + snapshot + selinux + "config: {kubelet-arg: [\"max-pods=150\"]}, "
                                            + "serverConfig: {etcd-arg: [\"quota-backend-bytes=8589934592\"]}, agentConfig: {kubelet-arg+: [\"v=2\"]},"
                                            + " podSecurityExemptions: [cattle-system, cert-manager, argocd]}",
                                    registry ? "registries: {systemDefaultRegistry: registry.lab.example.internal:5000, disableDefaultEndpoint: true,"
                                            + " mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}}" : "",
                                    "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                                    "hosts:",
                                    "  - {name: seed-1, address: 10.0.0.11, role: server, bootstrap: true}",
                                    "  - {name: seed-2, address: 10.0.0.12, nodeIp: 10.0.1.12, role: server, labels: {zone: a},"
                                            + " taints: [\"CriticalAddonsOnly=true:NoExecute\"]}",
                                    "  - {name: seed-3, address: 10.0.0.13, role: server}",
                                    "  - {name: worker-1, address: 10.0.0.21, nodeIp: 10.0.1.21, nodeName: w1, role: agent,"
                                            + " labels: {node-role.example.com/ingress: \"true\"}, taints: [\"dedicated=ingress:NoSchedule\"]}", ""));
                            files.add(file);
                        }
                    }
                }
            }
        }
        return files;
    }
}
