package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.phase.upgrade.UpgradeAgents;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of {@code upgrade}, then a re-run, on one cluster of three servers and two agents of
 * the RKE2 contract double (a test double, not RKE2) installed at v1.35.7 and moved to v1.35.9:
 * the upgrade (the jar, as a process of its own) is killed in sequence as the locks are taken,
 * as the snapshot is saved, as its archive is written, in the middle of the new core image
 * archive's upload, as the servers' phase starts, between two servers, and on an agent between
 * its drain and its uncordon; each kill leaves the cluster further on, and the run after it
 * takes over the dead run's lock. The last run converges: every node at the new version, each
 * node restarted at it exactly once (a node already there is not touched again), the agent
 * left cordoned uncordoned, the keys intact; then a converged re-run needs no passphrase and
 * changes nothing. Before all that, a dry run changes nothing on any host.
 */
class UpgradeKillIT {
    private static final String OLD = SeedCluster.RKE2_VERSION;
    private static final String NEW = "v1.35.9+rke2r1";
    private static final Map<String, String> PASSPHRASE = Map.of("SEED_DR_PASSPHRASE", "upgrade kill it passphrase, long enough");
    /** The new release's core image archive is padded to 96 MiB, so its upload lasts long enough to be interrupted. */
    private static final int PADDING = 96 << 20;
    private static final String ETCDCTL = "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379";

    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(3).agents(2).build();

    private Path inventory;
    private Path bundle;

    @Test
    void killedAtEveryPhaseBoundaryMidUploadAndBetweenDrainAndUncordonThenReRunsConverge() throws Exception {
        TestMachine s1 = cluster.get(0);
        // on a loaded machine the network checks' listeners may be served too late (connection refused), and the clock
        // check reads the latency of its commands as an offset (the containers share the host's clock); PreflightIT tests
        // them, this test is about kills
        Path installed = cluster.inventory("upgrade-kill").registrationAddress(s1)
                .with("preflight: {skip: [server-ports-reachable, registration-address, kubelet-reachable, clock]}").write();
        CommandRunner.Result install = cluster.run("install", installed.toString());
        assertEquals(0, install.exitCode(), install.err());
        for (int i = 1; i <= 3; i++) {
            s1.sh(ETCDCTL + " put /seed-it/upgrade-kill/key" + i + " value" + i).orThrow("etcdctl put");
        }
        bundle = cluster.bundleOf(NEW, PADDING);
        inventory = SeedCluster.atVersion(installed, NEW);

        // a dry run reads for real and changes nothing on any host, nor writes an archive
        Map<String, String> before = hostStates();
        Process dry = start("--dry-run");
        String dryOut = SeedCluster.output(dry);
        assertTrue(dry.waitFor(10, TimeUnit.MINUTES) && dry.exitValue() == 0, dryOut);
        assertTrue(dryOut.contains("restart rke2-agent on RKE2 " + NEW), dryOut);
        assertEquals(before, hostStates(), "the dry run changed a host");
        assertEquals(List.of(), archives(), "the dry run wrote no archive");

        // 1. as each of these phases starts: the work before it is done, the rest is not
        for (String phase : List.of("Take the host locks", "Save an etcd snapshot", "Write the DR archive", "Upgrade the servers")) {
            if (phase.equals("Upgrade the servers")) {
                // 2. in the middle of the new core image archive's upload (the padded 96 MiB), before the servers' phase
                KillAt.Upload upload = KillAt.midUpload(start(), cluster.machines(), 8 << 20, Duration.ofMinutes(5));
                assertTrue(upload.staged() > 0, "the upload could not be interrupted: " + upload.why());
                assertTrue(cluster.machines().stream().anyMatch(vm -> KillAt.stagedBytes(vm) > 0), "a partial upload stays staged");
            }
            KillAt.Seen seen = KillAt.phaseStart(start(), phase);
            assertTrue(seen.killed(), "phase \"" + phase + "\" never started: " + seen.why());
            assertTrue(kubeletVersions(s1).stream().allMatch(v -> v.endsWith("=" + OLD)), phase + ": no node moved yet");
        }

        // 3. between two servers: the first is at the new version, the others are not
        String first = s1.name();
        KillAt.Seen between = KillAt.line(start(), l -> l.contains("node " + first + " is Ready at " + NEW));
        assertTrue(between.killed(), first + " was never upgraded: " + between.why());
        awaitVersion(s1, first, NEW);

        // 4. on an agent between its drain and its uncordon: cordoned, marked, and (the restart was issued) at the new version
        String agent = cluster.get(3).name();
        KillAt.Seen drained = KillAt.line(start("--drain"), l -> l.contains("waiting for node " + agent + " to be Ready at " + NEW));
        assertTrue(drained.killed(), agent + " was never upgraded: " + drained.why());
        awaitVersion(s1, agent, NEW);
        JsonNode node = new ObjectMapper().readTree(s1.sh(SeedCluster.KUBECTL + "get node " + agent + " -o json").orThrow("get node").stdout());
        assertTrue(node.path("spec").path("unschedulable").asBoolean(), "the dead run left " + agent + " cordoned");
        assertTrue(node.path("metadata").path("annotations").has(UpgradeAgents.CORDONED_BY_UPGRADE), node.path("metadata").toString());

        // the re-run (without --drain) takes over the lock, uncordons the agent though it is at the new version, upgrades the rest
        Process rerun = start("-o", "json");
        String output = SeedCluster.output(rerun);
        assertTrue(rerun.waitFor(10, TimeUnit.MINUTES), "the re-run did not end");
        assertEquals(0, rerun.exitValue(), output);
        assertTrue(output.contains("took over the lock of an earlier run"), output);
        JsonNode summary = new ObjectMapper().readTree(output.substring(output.indexOf("\n{") + 1));
        List<String> changes = new ArrayList<>();
        summary.path("changes").forEach(c -> changes.add(c.path("host").asText() + ": " + c.path("change").asText()));
        assertTrue(changes.contains(agent + ": uncordon node " + agent + " (cordoned by an upgrade that stopped before it was back)"),
                changes.toString());
        assertTrue(changes.stream().noneMatch(c -> c.startsWith(first + ": restart") || c.startsWith(agent + ": restart")),
                "nodes at the new version are not touched again: " + changes);
        for (JsonNode host : summary.path("hosts")) {
            assertEquals(NEW, host.path("after").asText(), host.toString());
        }

        // converged: every node at the new version, each server and agent started at it exactly once, nothing left behind
        assertTrue(kubeletVersions(s1).stream().allMatch(v -> v.endsWith("=" + NEW)), kubeletVersions(s1).toString());
        List<String> serverStarts = SeedCluster.serverStarts(s1).stream().filter(r -> r.text("version").equals(NEW))
                .map(r -> r.text("node")).sorted().toList();
        assertEquals(Stream.of(0, 1, 2).map(i -> cluster.get(i).name()).sorted().toList(), serverStarts, "each server restarted once");
        List<String> agentJoins = SeedCluster.joins(s1).stream().filter(r -> r.text("role").equals("agent") && r.text("version").equals(NEW))
                .map(r -> r.text("node")).sorted().toList();
        assertEquals(Stream.of(3, 4).map(i -> cluster.get(i).name()).sorted().toList(), agentJoins, "each agent restarted once");
        JsonNode after = new ObjectMapper().readTree(s1.sh(SeedCluster.KUBECTL + "get node " + agent + " -o json").orThrow("get node").stdout());
        assertFalse(after.path("spec").path("unschedulable").asBoolean(false), agent + " uncordoned: " + after.path("spec"));
        assertFalse(after.path("metadata").path("annotations").has(UpgradeAgents.CORDONED_BY_UPGRADE), "mark removed: " + after.path("metadata"));
        for (int i = 1; i <= 3; i++) {
            assertEquals("value" + i, s1.sh(ETCDCTL + " get --print-value-only /seed-it/upgrade-kill/key" + i).stdout().strip());
        }
        for (TestMachine vm : cluster.machines()) {
            assertTrue(vm.sh("/usr/local/bin/rke2 --version").stdout().contains(NEW), vm.name() + "'s rke2");
            assertFalse(vm.sh("test -e /var/lib/seed-bootstrap/lock").ok(), vm.name() + ": lock left");
            assertEquals("", vm.sh("ls /var/lib/seed-bootstrap/staging").stdout().strip(), vm.name() + ": staging left");
        }

        // and a converged re-run takes no snapshot, so it needs no passphrase (none set here, no terminal) and changes nothing
        Process again = cluster.start("upgrade", inventory.toString(), "--bundle", bundle.toString());
        String quiet = SeedCluster.output(again);
        assertTrue(again.waitFor(5, TimeUnit.MINUTES), "the converged re-run did not end");
        assertEquals(0, again.exitValue(), quiet);
        assertTrue(quiet.contains("every node was at this version already") && quiet.contains("0 change(s) made"), quiet);
    }

    private Process start(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("upgrade", inventory.toString(), "--bundle", bundle.toString()));
        args.addAll(List.of(more));
        return cluster.start(PASSPHRASE, args.toArray(String[]::new));
    }

    /** The snapshot archives beside the inventory. */
    private List<Path> archives() throws Exception {
        try (Stream<Path> files = Files.list(inventory.getParent())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sbdr")).toList();
        }
    }

    /** What a change would show on each host: rke2's version and binary, the units' start times, our state and RKE2's files. */
    private static Map<String, String> hostStates() {
        Map<String, String> states = new java.util.TreeMap<>();
        for (TestMachine vm : cluster.machines()) {
            states.put(vm.name(), vm.sh("sha256sum /usr/local/bin/rke2; systemctl show -p ActiveEnterTimestamp -p NRestarts rke2-server rke2-agent; "
                    + "find /var/lib/seed-bootstrap /etc/rancher /var/lib/rancher/rke2/agent/images -printf '%p %s %m %T@\\n' 2>/dev/null | sort")
                    .stdout());
        }
        return states;
    }

    /** Waits until the cluster shows node {@code name} Ready at {@code version} (a restart issued before a kill completes on its own). */
    private static void awaitVersion(TestMachine server, String name, String version) throws Exception {
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            if (UpgradeIT.kubeletVersions(server).contains(name + "=" + version) && server.sh(SeedCluster.KUBECTL + "get node " + name
                    + " --no-headers | grep -q ' Ready'").ok()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(name + " never came up at " + version + ": " + UpgradeIT.kubeletVersions(server));
    }

    private static List<String> kubeletVersions(TestMachine server) throws Exception {
        return UpgradeIT.kubeletVersions(server);
    }
}
