package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code upgrade} on test machines with the RKE2 contract double (a test double, not RKE2): three
 * servers and two agents installed at v1.35.7 (double), etcd keys written, then moved to a second
 * release of the double built by {@code make-artifacts.sh --version}. The double records every
 * server start with its version and every agent registration with its kubelet version, so the
 * order is read from the cluster itself (contract A.11: servers one at a time, then agents).
 */
class UpgradeIT {
    private static final String OLD = SeedCluster.RKE2_VERSION;
    private static final String NEW = "v1.35.9+rke2r1";
    private static final String ETCDCTL = "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379";
    private static final Map<String, String> PASSPHRASE = Map.of("SEED_DR_PASSPHRASE", "upgrade it passphrase, long enough");

    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(3).agents(2).build();

    /** {@code node=kubeletVersion} of every Node, sorted, as the cluster sees them from {@code server}. */
    static List<String> kubeletVersions(TestMachine server) throws Exception {
        JsonNode nodes = new ObjectMapper().readTree(server.sh(SeedCluster.KUBECTL + "get nodes -o json").orThrow("kubectl get nodes").stdout());
        List<String> versions = new ArrayList<>();
        nodes.path("items").forEach(n -> versions.add(n.path("metadata").path("name").asText() + "="
                + n.path("status").path("nodeInfo").path("kubeletVersion").asText()));
        return versions.stream().sorted().toList();
    }

    @Test
    void serversOneAtATimeThenAgentsKeysKeptSnapshotVerifiedThenConvergedAndADowngradeRefused() throws Exception {
        TestMachine s1 = cluster.get(0);
        Path installed = cluster.inventory("upgrade-it").registrationAddress(s1).write();
        CommandRunner.Result install = cluster.run("install", installed.toString());
        assertEquals(0, install.exitCode(), install.err());
        for (int i = 1; i <= 3; i++) {
            s1.sh(ETCDCTL + " put /seed-it/upgrade/key" + i + " value" + i).orThrow("etcdctl put");
        }
        Path bundle = cluster.bundleOf(NEW);
        Path inventory = SeedCluster.atVersion(installed, NEW);
        List<String> before = kubeletVersions(s1);
        assertEquals(5, before.size(), before.toString());
        assertTrue(before.stream().allMatch(l -> l.endsWith("=" + OLD)), before.toString());

        // a dry run checks for real and changes nothing
        CommandRunner.Result dry = cluster.run(PASSPHRASE, "upgrade", inventory.toString(), "--bundle", bundle.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("restart rke2-server on RKE2 " + NEW), dry.out());
        assertEquals(before, kubeletVersions(s1), "the dry run moved nothing");

        long started = System.nanoTime();
        CommandRunner.Result upgrade = cluster.run(PASSPHRASE, "upgrade", inventory.toString(), "--bundle", bundle.toString(), "-o", "json",
                "--agent-batch", "2", "--drain");
        assertEquals(0, upgrade.exitCode(), upgrade.err());
        JsonNode summary = new ObjectMapper().readTree(upgrade.out());
        assertEquals(NEW, summary.path("rke2Version").asText());
        for (JsonNode host : summary.path("hosts")) {
            assertEquals(OLD, host.path("before").asText(), host.toString());
            assertEquals(NEW, host.path("after").asText(), host.toString());
            assertTrue(host.path("ready").asBoolean(), host.toString());
        }
        assertTrue(kubeletVersions(s1).stream().allMatch(l -> l.endsWith("=" + NEW)), kubeletVersions(s1).toString());

        // A.11 from the double's own records: the servers restarted at NEW one at a time in inventory order, then the agents
        List<SeedCluster.DoubleRecord> starts = SeedCluster.serverStarts(s1).stream()
                .filter(r -> r.text("version").equals(NEW)).toList();
        List<String> serverOrder = starts.stream().map(r -> r.text("node")).toList();
        assertEquals(List.of(cluster.get(0).name(), cluster.get(1).name(), cluster.get(2).name()), serverOrder, starts.toString());
        long lastServer = starts.get(starts.size() - 1).nanos();
        List<String> agents = new ArrayList<>();
        for (SeedCluster.DoubleRecord join : SeedCluster.joins(s1)) {
            if (join.text("role").equals("agent") && join.text("version").equals(NEW)) {
                assertTrue(join.nanos() > lastServer, "agents after every server: " + join.value());
                agents.add(join.text("node"));
            }
        }
        assertEquals(List.of(cluster.get(3).name(), cluster.get(4).name()), agents.stream().distinct().sorted().toList());

        // the keys survived, and the snapshot taken first is a whole DR archive on the operator's disk
        for (int i = 1; i <= 3; i++) {
            assertEquals("value" + i, s1.sh(ETCDCTL + " get --print-value-only /seed-it/upgrade/key" + i).stdout().strip());
        }
        Path archive = Path.of(summary.path("snapshotArchive").asText());
        assertTrue(Files.isRegularFile(archive), archive.toString());
        CommandRunner.Result verify = cluster.run(PASSPHRASE, "backup", "verify", archive.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("RKE2 " + OLD), "the snapshot is of the cluster before the upgrade: " + verify.out());

        // converged: a re-run changes nothing and takes no snapshot
        CommandRunner.Result again = cluster.run(PASSPHRASE, "upgrade", inventory.toString(), "--bundle", bundle.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("every node was at this version already"), again.out());
        assertTrue(again.out().contains("0 change(s) made"), again.out());

        // a downgrade (the bundle the cluster was installed from) is refused before any change
        CommandRunner.Result down = cluster.run(PASSPHRASE, "upgrade", installed.toString());
        assertEquals(3, down.exitCode(), down.out() + down.err());
        assertTrue(down.err().contains("downgrades are not supported"), down.err());
        assertTrue(kubeletVersions(s1).stream().allMatch(l -> l.endsWith("=" + NEW)), "nothing moved back");
        System.out.printf("upgrade of 3 servers + 2 agents took %.0f s%n", (System.nanoTime() - started) / 1e9);
    }
}
