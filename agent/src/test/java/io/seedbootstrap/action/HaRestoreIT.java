package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The multi-server restore (contract C, "Restore (multi-server)" and "Restore to new hosts") on
 * test machines running the RKE2 contract double (a test double with a real etcd, not RKE2):
 * three servers and an agent installed with the seed PKI, backed up, all four machines thrown
 * away, then restored onto four new machines on another subnet. What the double records shows
 * the first server restored the archive's snapshot with --cluster-reset, the other two cleared
 * their old server/db and joined one at a time after it was up; every node has the original
 * token and CAs, the old machines' Node objects are gone, and install then changes nothing.
 */
class HaRestoreIT {
    private static final Map<String, String> PASSPHRASE = Map.of("SEED_DR_PASSPHRASE", "it-passphrase-long-enough");
    private static final String TLS = "/var/lib/rancher/rke2/server/tls/";
    /** B.1: the five cluster CAs every server must hold, byte for byte the seed PKI's. */
    private static final List<String> CAS = List.of("server-ca.crt", "client-ca.crt", "request-header-ca.crt", "etcd/peer-ca.crt",
            "etcd/server-ca.crt");
    private static final String STALE_DB = "/var/lib/rancher/rke2/server/db";

    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(3).agents(1).build();

    @Test
    void threeServersAndAnAgentRestoredOntoNewMachines() throws Exception {
        List<TestMachine> oldHosts = cluster.machines();
        Path oldInventory = cluster.inventory("ha-dr-it").registrationAddress(cluster.get(0)).write();
        CommandRunner.Result install = cluster.run("install", oldInventory.toString());
        assertEquals(0, install.exitCode(), install.err());
        cluster.get(0).sh(SeedCluster.KUBECTL + "create configmap before-the-loss -n default --from-literal=value=kept").orThrow("write a key");

        Map<String, String> originalCas = new LinkedHashMap<>();
        for (String ca : CAS) {
            String bytes = cluster.get(0).sh("base64 -w0 " + TLS + ca).orThrow(ca).stdout();
            // the seed PKI's CAs, not ones RKE2 generated (B.1)
            assertEquals(Base64.getEncoder().encodeToString(Files.readAllBytes(cluster.pki().resolve("cluster/server/tls/" + ca))), bytes, ca);
            originalCas.put(ca, bytes);
        }
        String originalToken = cluster.get(0).sh("cat /var/lib/rancher/rke2/server/token").stdout().strip();
        Path archive = cluster.work().resolve("backups/ha-dr-it.sbdr");
        CommandRunner.Result backup = cluster.run(PASSPHRASE, "backup", oldInventory.toString(), "--out", archive.toString());
        assertEquals(0, backup.exitCode(), backup.err());
        String snapshotSha256 = DrArchive.verify(archive, Secret.literal(PASSPHRASE.get("SEED_DR_PASSPHRASE"))).snapshot().sha256();

        // every machine is lost
        String oldSubnet = cluster.subnet();
        List<String> oldNodes = oldHosts.stream().map(TestMachine::name).toList();
        cluster.loseEveryMachine();
        assertNotEquals(oldSubnet, cluster.subnet());
        TestMachine s1 = cluster.get(0);
        TestMachine s2 = cluster.get(1);
        TestMachine s3 = cluster.get(2);
        TestMachine agent = cluster.get(3);
        String reusedName = oldNodes.get(3);
        // the agent keeps its old node name: its node-password secret must go, its Node object stays
        Path inventory = cluster.inventory("ha-dr-it").registrationAddress(s1).nodeName(agent, reusedName).write();
        // the other servers hold an old datastore, as machines reused from a lost cluster would (C: it must go before they start)
        for (TestMachine s : List.of(s2, s3)) {
            s.sh("mkdir -p " + STALE_DB + "/etcd/member/wal " + STALE_DB + "/etcd/member/snap && echo old > " + STALE_DB + "/etcd/name"
                    + " && echo old > " + STALE_DB + "/stale-marker").orThrow("plant an old datastore");
        }
        List<String> deletions = new ArrayList<>();
        oldNodes.subList(0, 3).forEach(n -> deletions.add("delete node " + n + " "));
        deletions.add("delete secret kube-system/" + reusedName + ".node-password.rke2 ");

        dryRunPlansTheDeletionsAndChangesNothing(archive, inventory, deletions);

        CommandRunner.Result restore = cluster.run(PASSPHRASE, "restore", archive.toString(), inventory.toString());
        assertEquals(0, restore.exitCode(), restore.err() + restore.out());
        assertFalse((restore.out() + restore.err()).contains(originalToken.substring(originalToken.indexOf("::") + 2)),
                "the token is never printed");
        for (String deletion : deletions) {
            assertTrue(restore.out().contains(deletion), deletion + " missing:\n" + restore.out());
        }
        for (TestMachine s : List.of(s2, s3)) {
            assertFalse(s.sh("test -e " + STALE_DB + "/stale-marker").ok(), s.name() + ": old server/db not cleared");
        }

        firstServerRestoredTheSnapshotOthersJoinedOneAtATime(s1, s2, s3, reusedName, snapshotSha256);

        // the original token and the seed PKI's CAs on every node (C: extracted from the snapshot with the token)
        for (TestMachine s : List.of(s1, s2, s3)) {
            assertEquals(originalToken, s.sh("cat /var/lib/rancher/rke2/server/token").stdout().strip(), s.name());
            for (String ca : CAS) {
                assertEquals(originalCas.get(ca), s.sh("base64 -w0 " + TLS + ca).orThrow(ca).stdout(), s.name() + ": " + ca);
            }
        }
        assertEquals(Files.readString(cluster.pki().resolve("cluster/agent-token")).strip(),
                agent.sh("cat /etc/rancher/rke2/seed-bootstrap-token").stdout().strip());
        assertEquals(originalCas.get("server-ca.crt"), agent.sh("base64 -w0 /var/lib/rancher/rke2/agent/server-ca.crt").stdout());

        // the old machines' nodes are gone, the new ones and the reused name are Ready, the data is back
        Set<String> nodes = new TreeSet<>(s1.sh(SeedCluster.KUBECTL + "get nodes -o name").orThrow("nodes").stdout().lines().toList());
        assertEquals(new TreeSet<>(List.of("node/" + s1.name(), "node/" + s2.name(), "node/" + s3.name(), "node/" + reusedName)), nodes);
        assertTrue(s1.sh(SeedCluster.KUBECTL + "get nodes --no-headers").stdout().lines().allMatch(l -> l.contains(" Ready")));
        assertEquals("kept", s1.sh(SeedCluster.KUBECTL + "get configmap before-the-loss -n default -o jsonpath={.data.value}").stdout().strip());

        // the kubeconfig restore wrote for the operator reaches the restored cluster through the registration address
        String kubeconfig = Base64.getEncoder().encodeToString(Files.readAllBytes(inventory.getParent().resolve("ha-dr-it.kubeconfig")));
        String viaOperatorKubeconfig = s2.sh("echo " + kubeconfig + " | base64 -d > /tmp/operator.kubeconfig && "
                + "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /tmp/operator.kubeconfig get nodes -o name").orThrow("operator kubeconfig").stdout();
        assertTrue(viaOperatorKubeconfig.contains("node/" + s1.name()), viaOperatorKubeconfig);

        CommandRunner.Result converged = cluster.run("install", inventory.toString());
        assertEquals(0, converged.exitCode(), converged.err());
        assertTrue(java.util.regex.Pattern.compile("(^|\\s)0 change\\(s\\) made", java.util.regex.Pattern.MULTILINE)
                .matcher(converged.out()).find(), converged.out());
    }

    /** The plan names what the old machines left behind, computed from the archive: the new machines' API does not answer yet. */
    private static void dryRunPlansTheDeletionsAndChangesNothing(Path archive, Path inventory, List<String> deletions) {
        CommandRunner.Result plan = cluster.run(PASSPHRASE, "restore", archive.toString(), inventory.toString(), "--dry-run");
        assertEquals(0, plan.exitCode(), plan.err());
        for (String expected : deletions) {
            assertTrue(plan.out().contains(expected), "plan lacks \"" + expected + "\":\n" + plan.out());
        }
        assertTrue(plan.out().contains("remove " + STALE_DB), plan.out());
        for (TestMachine m : cluster.machines()) {
            assertFalse(m.sh("test -e /var/lib/seed-bootstrap || test -e /etc/rancher").ok(), m.name() + ": the dry run changed it");
        }
        assertTrue(cluster.get(1).sh("test -e " + STALE_DB + "/stale-marker").ok(), "the dry run removed the old datastore");
    }

    /**
     * C, multi-server: one --cluster-reset, on the first server, with the archive's snapshot; its
     * unit up (Type=notify, A.4) before the second server is added as a learner; each joiner
     * promoted before the next is added (A.10); the old cluster's members gone.
     */
    private static void firstServerRestoredTheSnapshotOthersJoinedOneAtATime(TestMachine s1, TestMachine s2, TestMachine s3, String agentNode,
            String snapshotSha256) throws Exception {
        List<SeedCluster.DoubleRecord> resets = SeedCluster.clusterResets(s1);
        assertEquals(1, resets.size(), resets.toString());
        SeedCluster.DoubleRecord reset = resets.get(0);
        assertEquals(s1.name(), reset.text("node"));
        assertTrue(reset.text("restorePath").startsWith("/var/lib/seed-bootstrap/restore/"), reset.toString());
        assertEquals(snapshotSha256, reset.text("snapshotSha256"), "the archive's snapshot was restored");
        assertTrue(s1.sh("journalctl -u rke2-server -o cat | grep -q 'reset-flag left by --cluster-reset'").ok(),
                "the first start ran on the reset datastore");

        List<String> order = new ArrayList<>();
        for (SeedCluster.DoubleRecord join : SeedCluster.joins(s1)) {
            if (join.nanos() > reset.nanos()) {
                assertNotEquals("refused", join.text("result"), join.toString());
                order.add(join.text("node") + ":" + join.text("result"));
            }
        }
        assertEquals(List.of(s2.name() + ":learner-added", s2.name() + ":promoted", s3.name() + ":learner-added", s3.name() + ":promoted",
                agentNode + ":registered"), order);
        long firstUp = activeSince(s1);
        long s2Added = SeedCluster.joins(s1).stream().filter(j -> j.nanos() > reset.nanos() && j.text("node").equals(s2.name()))
                .findFirst().orElseThrow().nanos();
        assertTrue(firstUp < s2Added, "the second server was added before the first was up");

        JsonNode members = SeedCluster.etcdMembers(s1);
        Set<String> peers = new TreeSet<>();
        for (JsonNode m : members) {
            assertFalse(m.path("isLearner").asBoolean(), m.toString());
            peers.add(m.path("peerURLs").path(0).asText());
        }
        assertEquals(new TreeSet<>(List.of("http://" + s1.ip() + ":2380", "http://" + s2.ip() + ":2380", "http://" + s3.ip() + ":2380")), peers);
    }

    /** When the unit last became active, in nanoseconds since the epoch (the machines share the host's clock). */
    private static long activeSince(TestMachine m) {
        String at = m.sh("systemctl show -P ActiveEnterTimestamp --timestamp=us+utc rke2-server").orThrow("unit timestamp").stdout().strip();
        ZonedDateTime t = ZonedDateTime.parse(at, DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss.SSSSSS zzz", Locale.ROOT));
        return t.toEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
