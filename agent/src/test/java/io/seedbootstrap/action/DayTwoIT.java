package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.HostState;
import io.seedbootstrap.testvm.TestMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.images.builder.Transferable;

/**
 * The day-2 commands on one small cluster installed once (a server and an agent, cert-manager and
 * ArgoCD with a generated admin password, on the RKE2 contract double: a test double, not RKE2):
 * {@code status} healthy (exit 0) and changing nothing on the hosts, {@code kubeconfig} writing
 * the file install writes and that reaches the API, {@code support-bundle} listing every host,
 * carrying none of the secrets put where it collects, and listing an unreachable host as such;
 * last, {@code status} after the agent's unit stopped (exit 3, the node named).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DayTwoIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    static final String SUDO_PASSWORD = "day2-sudo-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    static final Map<String, String> ENV = Map.of("SEED_SUDO_PASSWORD", SUDO_PASSWORD);
    /** A secret nobody told seed-bootstrap about: only its field name gives it away. */
    static final String ACCESS_KEY = "AKIA" + Long.toHexString(Double.doubleToLongBits(Math.random())).toUpperCase(java.util.Locale.ROOT);
    static final String DROP_IN = "/etc/rancher/rke2/config.yaml.d/90-day2-it.yaml";
    static Path inventory;

    @BeforeAll
    static void install() {
        if (!cluster.ready()) {
            return;
        }
        // admin's sudo needs no password on the test machines: the inventory's is a secret that is only known
        inventory = cluster.inventory("day2-it").ssh("sudoPassword: ${SEED_SUDO_PASSWORD}")
                .apps("apps: {rancher: {enabled: false}, argocd: {enabled: true}}").write();
        CommandRunner.Result result = cluster.run(ENV, "install", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());
    }

    private static TestMachine server() {
        return cluster.get(0);
    }

    private static TestMachine agent() {
        return cluster.get(1);
    }

    @Test
    @Order(1)
    void statusOfAHealthyClusterIsZeroAndChangesNothing() throws Exception {
        assumeTrue(cluster.ready());
        for (TestMachine m : cluster.machines()) {
            // Debian's sudo writes ~/.sudo_as_admin_successful at the first sudo ever: there already after install
            m.sh("su admin -c 'sudo -n true'").orThrow("sudo");
        }
        // an etcd snapshot for status to find (contract C: named on-demand-NODE-UNIXTIME)
        server().sh("/usr/local/bin/rke2 etcd-snapshot save").orThrow("etcd snapshot");
        List<HostState> before = cluster.machines().stream().map(DayTwoIT::state).toList();
        long started = System.nanoTime();
        CommandRunner.Result status = cluster.run(ENV, "status", inventory.toString(), "-o", "json");
        long took = System.nanoTime() - started;
        List<HostState> after = cluster.machines().stream().map(DayTwoIT::state).toList();
        for (int i = 0; i < before.size(); i++) {
            assertEquals(List.of(), after.get(i).changesSince(before.get(i)), "status changed something on " + cluster.get(i).name());
        }
        assertEquals(0, status.exitCode(), status.out() + status.err());
        JsonNode json = new ObjectMapper().readTree(status.out());
        JsonNode nodes = json.path("nodes");
        assertEquals(2, nodes.size(), status.out());
        for (JsonNode n : nodes) {
            assertTrue(n.path("reachable").asBoolean(), n.toString());
            assertEquals("active", n.path("unitState").asText(), n.toString());
            assertTrue(n.path("ready").asBoolean(), n.toString());
            assertEquals(SeedCluster.RKE2_VERSION, n.path("rke2Version").asText(), n.toString());
            assertTrue(n.path("diskFreeGiB").asLong() > 0, n.toString());
            assertEquals("OK", n.path("health").asText(), n.toString());
        }
        assertEquals("server", nodes.get(0).path("role").asText());
        assertTrue(nodes.get(0).path("etcdHealthy").asBoolean(), "the server's etcd check answers ok");
        assertTrue(nodes.get(1).path("etcdHealthy").isMissingNode(), "no etcd row for an agent");
        List<String> apps = new ArrayList<>();
        for (JsonNode app : json.path("apps")) {
            apps.add(app.path("app").asText() + " " + app.path("helmChartApplied").asBoolean() + " " + app.path("job").asText());
        }
        assertEquals(List.of("cert-manager true complete", "ArgoCD true complete"), apps, status.out());
        assertTrue(json.path("pki").path("daysLeft").asLong() > 30, json.path("pki").toString());
        JsonNode snapshot = json.path("snapshot");
        assertEquals("OK", snapshot.path("health").asText(), snapshot.toString());
        assertTrue(snapshot.path("name").asText().startsWith("on-demand-" + server().name() + "-"), snapshot.toString());
        assertTrue(snapshot.path("ageSeconds").asLong() < 600, snapshot.toString());
        System.out.printf("status of 2 nodes took %.1f s%n", took / 1e9);

        // the text table names every node and its health
        CommandRunner.Result text = cluster.run(ENV, "status", inventory.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains(server().name()) && text.out().contains(agent().name()) && text.out().contains("healthy"), text.out());
    }

    @Test
    @Order(2)
    void kubeconfigWritesTheFileInstallWritesAndItReachesTheApi() throws Exception {
        assumeTrue(cluster.ready());
        Path again = cluster.work().resolve("again/day2.kubeconfig");
        CommandRunner.Result result = cluster.run(ENV, "kubeconfig", inventory.toString(), "--out", again.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(again)));
        JsonNode kc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(again));
        assertEquals("https://" + server().ip() + ":6443", kc.path("clusters").get(0).path("cluster").path("server").asText());
        assertEquals("day2-it", kc.path("current-context").asText());
        assertEquals(Files.readString(inventory.resolveSibling("day2-it.kubeconfig")), Files.readString(again),
                "the same file install wrote");
        // it works: the double's kubectl on the agent reaches the API at the registration address with it
        String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(again));
        String nodes = server().sh("echo " + encoded + " | base64 -d > /tmp/day2.kubeconfig && /var/lib/rancher/rke2/bin/kubectl "
                + "--kubeconfig /tmp/day2.kubeconfig get nodes -o name; rm -f /tmp/day2.kubeconfig").orThrow("kubectl").stdout();
        assertTrue(nodes.contains("node/" + server().name()) && nodes.contains("node/" + agent().name()), nodes);
    }

    @Test
    @Order(3)
    void supportBundleListsEveryHostAndCarriesNoSecret() throws Exception {
        assumeTrue(cluster.ready());
        String serverToken = Files.readString(cluster.pki().resolve("cluster/token")).strip();
        String agentToken = Files.readString(cluster.pki().resolve("cluster/agent-token")).strip();
        String argoPassword = Files.readString(inventory.resolveSibling("day2-it-argocd-admin-password")).strip();
        String key = Files.readString(cluster.pki().resolve("cluster/server/tls/server-ca.key"));
        List<String> keyBody = key.lines().filter(l -> !l.startsWith("-----") && l.length() > 16).toList();
        assertFalse(keyBody.isEmpty(), key.length() + " bytes of key");
        // secrets where the bundle collects: an RKE2 config drop-in (read only at a start, which this test never makes)
        // and registries.yaml on the agent, each under a name that says secret or one that does not
        StringBuilder dropIn = new StringBuilder()
                .append("etcd-s3-secret-key: \"").append(SUDO_PASSWORD).append("\"\n")
                .append("etcd-s3-access-key: ").append(ACCESS_KEY).append("\n")
                .append("agent-token: ").append(agentToken).append("\n")
                .append("node-label: [\"note=").append(argoPassword).append("\"]\n")
                .append("# the join token, pasted by hand: ").append(serverToken).append("\n")
                .append("kubelet-arg: |\n");
        key.lines().forEach(l -> dropIn.append("  ").append(l).append("\n"));
        server().container().copyFileToContainer(Transferable.of(dropIn.toString().getBytes(StandardCharsets.UTF_8), 0600), DROP_IN);
        agent().container().copyFileToContainer(Transferable.of(("configs:\n  registry.it.example.internal:5000:\n    auth: {username: "
                + "pull, password: \"" + SUDO_PASSWORD + "\"}\n").getBytes(StandardCharsets.UTF_8), 0600), "/etc/rancher/rke2/registries.yaml");
        try {
            Path archive = cluster.work().resolve("day2-support.tar.gz");
            long started = System.nanoTime();
            CommandRunner.Result result = cluster.run(ENV, "support-bundle", inventory.toString(), "--out", archive.toString());
            long took = System.nanoTime() - started;
            assertEquals(0, result.exitCode(), result.err());
            System.out.printf("support-bundle of 2 hosts took %.1f s, %d bytes%n", took / 1e9, Files.size(archive));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
            Map<String, byte[]> entries = read(archive);
            JsonNode manifest = new ObjectMapper().readTree(entry(entries, "manifest.json"));
            Map<String, String> hosts = new LinkedHashMap<>();
            manifest.path("hosts").forEach(h -> hosts.put(h.path("host").asText(), h.path("state").asText()));
            assertEquals(Map.of(server().name(), "collected", agent().name(), "collected"), hosts, manifest.toString());
            for (String expected : List.of("hosts/" + server().name() + "/facts.json", "hosts/" + server().name() + "/preflight.txt",
                    "hosts/" + server().name() + "/journal-rke2-server.txt", "hosts/" + server().name() + "/systemctl-status-rke2-server.txt",
                    "hosts/" + server().name() + "/files/etc/rancher/rke2/config.yaml", "hosts/" + server().name() + "/files" + DROP_IN,
                    "hosts/" + agent().name() + "/journal-rke2-agent.txt", "hosts/" + agent().name() + "/files/etc/rancher/rke2/registries.yaml",
                    "cluster/nodes.json", "cluster/apps/helm-install-cert-manager.log", "cluster/apps/helm-install-argocd.log")) {
                assertTrue(entries.keySet().stream().anyMatch(e -> e.endsWith("/" + expected)), expected + " in " + entries.keySet());
            }
            assertTrue(entries.keySet().stream().anyMatch(e -> e.contains("/operator/logs/install-")), "the install's run log: " + entries.keySet());
            assertTrue(new String(entry(entries, "journal-rke2-server.txt"), StandardCharsets.UTF_8).contains("rke2"), "a real journal");

            // a search of every entry, decompressed, finds none of the secrets
            List<String> secrets = new ArrayList<>(List.of(serverToken, agentToken, secretPart(serverToken), secretPart(agentToken),
                    SUDO_PASSWORD, argoPassword, ACCESS_KEY));
            secrets.addAll(keyBody);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                String text = new String(e.getValue(), StandardCharsets.UTF_8);
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), e.getKey() + " holds a secret (" + secret.length() + " chars)");
                }
            }
            // and says what it removed, by field: never the value
            String redactions = manifest.path("entries").toString();
            assertTrue(redactions.contains("etcd-s3-access-key (line 2)") && redactions.contains("private key (PEM)")
                    && redactions.contains("known secret of the inventory or PKI"), redactions);
            String collectedDropIn = new String(entry(entries, "files" + DROP_IN), StandardCharsets.UTF_8);
            assertTrue(collectedDropIn.contains("etcd-s3-secret-key: \"<redacted>\"") && collectedDropIn.contains("etcd-s3-access-key: <redacted>"),
                    collectedDropIn);
        } finally {
            server().sh("rm -f " + DROP_IN);
            agent().sh("rm -f /etc/rancher/rke2/registries.yaml");
        }
    }

    @Test
    @Order(4)
    void anUnreachableHostIsARowOfTheBundleAndOfStatus() throws Exception {
        assumeTrue(cluster.ready());
        Path withGone = cluster.inventory("day2-gone").ssh("sudoPassword: ${SEED_SUDO_PASSWORD}")
                .apps("apps: {rancher: {enabled: false}, argocd: {enabled: true}}")
                .host("{name: gone-1, address: 127.0.0.99, role: agent, ssh: {port: 1}}").write();
        Path archive = cluster.work().resolve("day2-gone.tar.gz");
        CommandRunner.Result bundle = cluster.run(ENV, "support-bundle", withGone.toString(), "--out", archive.toString());
        assertEquals(0, bundle.exitCode(), bundle.err());
        assertTrue(bundle.out().contains("gone-1") && bundle.out().contains("unreachable"), bundle.out());
        JsonNode manifest = new ObjectMapper().readTree(entry(read(archive), "manifest.json"));
        JsonNode gone = null;
        for (JsonNode h : manifest.path("hosts")) {
            if (h.path("host").asText().equals("gone-1")) {
                gone = h;
            }
        }
        assertTrue(gone != null && gone.path("state").asText().equals("unreachable"), manifest.path("hosts").toString());
        assertTrue(gone.path("detail").asText().contains("127.0.0.99"), gone.toString());

        CommandRunner.Result status = cluster.run(ENV, "status", withGone.toString());
        assertEquals(3, status.exitCode(), status.out() + status.err());
        assertTrue(status.err().contains("gone-1: unreachable"), status.err());
    }

    @Test
    @Order(5)
    void statusAfterAnAgentsUnitStoppedIsThreeAndNamesTheNode() throws Exception {
        assumeTrue(cluster.ready());
        agent().sh("systemctl stop rke2-agent").orThrow("stop the agent");
        CommandRunner.Result status = cluster.run(ENV, "status", inventory.toString());
        assertEquals(3, status.exitCode(), status.out() + status.err());
        assertTrue(status.err().contains(agent().name() + ": unit rke2-agent is inactive"), status.err());
        String problems = status.err().substring(status.err().indexOf("problem(s):"));
        assertFalse(problems.contains(server().name() + ":"), "only the agent is a problem: " + problems);
        assertTrue(status.out().contains("NOT healthy"), status.out());
    }

    private static String secretPart(String token) {
        return token.substring(token.lastIndexOf(':') + 1);
    }

    /**
     * What status must not change: RKE2's and our files (config, binaries, units, manifests, TLS,
     * image archives, the host lock) and every unit's state. The double's own churn (etcd's data,
     * its logs) is left out.
     */
    private static HostState state(TestMachine m) {
        return HostState.under(m, List.of("/etc", "/usr/local", "/opt", "/var/lib/seed-bootstrap", "/var/lib/rancher/rke2/server/manifests",
                "/var/lib/rancher/rke2/server/tls", "/var/lib/rancher/rke2/agent/images", "/root", "/home"));
    }

    private static Map<String, byte[]> read(Path archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
            TarArchiveInputStream tar = (TarArchiveInputStream) in;
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                tar.transferTo(bytes);
                entries.put(e.getName(), bytes.toByteArray());
            }
        }
        return entries;
    }

    private static byte[] entry(Map<String, byte[]> entries, String suffix) {
        return entries.entrySet().stream().filter(e -> e.getKey().endsWith("/" + suffix)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no " + suffix + " in " + entries.keySet()));
    }
}
