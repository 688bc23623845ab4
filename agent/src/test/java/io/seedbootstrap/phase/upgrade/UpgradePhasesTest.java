package io.seedbootstrap.phase.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.install.UploadArtifacts;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrade's own phases against in-memory nodes: the checks before any change, the order the
 * nodes move in, that a node at the new version is left alone, that a failing node stops the
 * upgrade with the rest untouched, and that a dry run changes nothing. The bundle holds
 * v1.35.7+rke2r1 (the double's release); the nodes start on an older one.
 */
class UpgradePhasesTest {
    private static final String TARGET = "v1.35.7+rke2r1";
    private static final String OLD = "v1.34.5+rke2r1";
    private static final String HA = String.join("\n",
            "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
            "  - {name: s2, address: 10.0.0.12, role: server}",
            "  - {name: s3, address: 10.0.0.13, role: server}",
            "  - {name: a1, address: 10.0.0.21, role: agent}",
            "  - {name: a2, address: 10.0.0.22, role: agent}",
            "  - {name: a3, address: 10.0.0.23, role: agent}");

    @TempDir
    Path dir;

    /** A running cluster over {@link #HA}: every node started on {@code versions} (by host, else {@link #OLD}). */
    private static FakeRun cluster(Path dir, boolean dryRun, Map<String, String> versions) {
        FakeRun run = FakeRun.withHosts(dir, dryRun, HA);
        run.verifyBundle();
        for (Host host : run.inventory().hosts()) {
            run.facts(host.name(), FakeRun.runningRke2(host, versions.getOrDefault(host.name(), OLD)));
            run.node(host.name()).running();
        }
        return run;
    }

    private static UpgradePlan check(FakeRun run) {
        run.run(new CheckUpgrade(run.host("s1"), run.inventory().hosts()));
        return run.context().state().get(null, UpgradePlan.PLAN);
    }

    private static void upgrade(FakeRun run, int agentBatch, Duration drain) {
        check(run);
        run.run(new UploadArtifacts(run.inventory().hosts()));
        run.run(new UpgradeServers(run.host("s1"), run.inventory().servers(), run.inventory().agents()));
        run.run(new UpgradeAgents(run.host("s1"), run.inventory().agents(), agentBatch, drain));
    }

    private static List<String> moves(FakeRun run) {
        return run.cluster().events().stream().filter(e -> e.startsWith("install ") || e.startsWith("restart ")).toList();
    }

    // --- CheckUpgrade -------------------------------------------------------------------------

    @Test
    void checkUpgradeRecordsEachNodesVersionAndWhatIsLeftToDo() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET))) {
            UpgradePlan plan = check(run);
            assertEquals(TARGET, plan.target());
            assertEquals(TARGET, plan.before().get("s1"));
            assertEquals(OLD, plan.before().get("a3"));
            assertEquals(List.of("s2", "s3", "a1", "a2", "a3"), plan.pending(), "s1 already runs the new version");
            assertTrue(run.allChanges().isEmpty(), "checks change nothing");
        }
    }

    @Test
    void checkUpgradeRefusesATwoMinorJumpADowngradeAndANotReadyNodeAllAtOnce() {
        try (FakeRun run = cluster(dir, false, Map.of("s2", "v1.33.9+rke2r1", "a1", "v1.36.1+rke2r1"))) {
            run.cluster().unhealthy("a2");
            SeedException e = assertThrows(SeedException.class, () -> check(run));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            String m = e.getMessage();
            assertTrue(m.contains("nothing was changed"), m);
            assertTrue(m.contains("s2: v1.33.9+rke2r1 to v1.35.7+rke2r1 skips 1 minor version(s)"), m);
            assertTrue(m.contains("first to the newest v1.34.x"), m);
            assertTrue(m.contains("a1: v1.35.7+rke2r1 is older than v1.36.1+rke2r1: downgrades are not supported"), m);
            assertTrue(m.contains("a2: node a2 is NotReady"), m);
            assertFalse(m.contains("s3:"), "s3 is one minor behind, which is fine: " + m);
            assertTrue(run.context().state().find(null, UpgradePlan.PLAN).isEmpty());
        }
    }

    @Test
    void checkUpgradeRefusesAnUnhealthyEtcdAndAHostWithoutRke2() {
        try (FakeRun run = cluster(dir, false, Map.of())) {
            run.cluster().etcdHealthy(false);
            run.facts("a3", FakeRun.debian(run.host("a3")));
            SeedException e = assertThrows(SeedException.class, () -> check(run));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("s1: etcd is not healthy"), e.getMessage());
            assertTrue(e.getMessage().contains("a3: RKE2 is not installed"), e.getMessage());
        }
    }

    // --- UpgradeServers / UpgradeAgents ---------------------------------------------------------

    @Test
    void serversMoveOneAtATimeBootstrapFirstThenTheAgentsAndEveryNodeEndsAtTheNewVersion() {
        try (FakeRun run = cluster(dir, false, Map.of())) {
            upgrade(run, 1, null);
            assertEquals(List.of("install " + TARGET + " on s1", "restart s1", "install " + TARGET + " on s2", "restart s2",
                    "install " + TARGET + " on s3", "restart s3", "install " + TARGET + " on a1", "restart a1",
                    "install " + TARGET + " on a2", "restart a2", "install " + TARGET + " on a3", "restart a3"), moves(run));
            for (Host host : run.inventory().hosts()) {
                assertEquals(TARGET, run.cluster().version(host.name()), host.name() + "'s Node reports the new version");
                assertTrue(run.node("s1").kubectl().ready(host.name()));
            }
            assertEquals(List.of("install RKE2 " + TARGET + " (server) under /usr/local with the release's install.sh",
                    "restart rke2-server on RKE2 " + TARGET), run.changes("s2").subList(run.changes("s2").size() - 2, run.changes("s2").size()));
        }
    }

    @Test
    void aNodeAlreadyAtTheNewVersionIsNotTouchedAndAConvergedClusterMakesNoChange() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "a2", TARGET))) {
            upgrade(run, 2, null);
            assertTrue(moves(run).stream().noneMatch(e -> e.endsWith(" s1") || e.endsWith(" a2")), moves(run).toString());
            assertTrue(run.changes("s1").stream().noneMatch(c -> c.startsWith("install") || c.startsWith("restart")), run.changes("s1").toString());
        }
        try (FakeRun run = cluster(dir, false,
                Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET, "a1", TARGET, "a2", TARGET, "a3", TARGET))) {
            UpgradePlan plan = check(run);
            assertEquals(List.of(), plan.pending());
            assertFalse(run.run(new UpgradeServers(run.host("s1"), run.inventory().servers(), run.inventory().agents())));
            assertFalse(run.run(new UpgradeAgents(run.host("s1"), run.inventory().agents(), 1, null)));
            assertFalse(run.run(new WhenUpgrading(new SkipSnapshot())), "no snapshot when nothing moves");
            assertTrue(run.allChanges().isEmpty());
        }
    }

    @Test
    void aFailingServerStopsTheUpgradeWithTheOthersUntouchedAndSaysWhatToDo() {
        try (FakeRun run = cluster(dir, false, Map.of())) {
            run.node("s2").failingStart("Job for rke2-server.service failed because the control process exited with error code.");
            SeedException e = assertThrows(SeedException.class, () -> upgrade(run, 1, null));
            assertEquals(ExitCode.FAILED, e.exitCode());
            String m = e.getMessage();
            assertTrue(m.contains("stopped at s2"), m);
            assertTrue(m.contains("upgraded in this run: s1"), m);
            assertTrue(m.contains("not touched (still at their version): s3 (" + OLD + "), a1 (" + OLD + "), a2 (" + OLD + "), a3 ("
                    + OLD + ")"), m);
            assertTrue(m.contains("run `seed-bootstrap upgrade` again"), m);
            for (String h : List.of("s3", "a1", "a2", "a3")) {
                assertEquals(OLD, run.node(h).version(), h + " keeps its rke2");
                assertEquals(OLD, run.cluster().version(h));
            }
            assertEquals(TARGET, run.cluster().version("s1"));
        }
    }

    @Test
    void agentsGoInBoundedBatchesCordonedDrainedAndUncordoned() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET))) {
            upgrade(run, 2, Duration.ofSeconds(30));
            List<String> events = run.cluster().events().stream().filter(e -> !e.startsWith("start ")).toList();
            // a3 is in the second batch: nothing happens to it before the first batch is back
            int a3First = events.indexOf("cordon a3");
            for (String a : List.of("a1", "a2")) {
                assertTrue(events.indexOf("cordon " + a) < events.indexOf("drain " + a), events.toString());
                assertTrue(events.indexOf("drain " + a) < events.indexOf("install " + TARGET + " on " + a), events.toString());
                assertTrue(events.indexOf("restart " + a) < events.indexOf("uncordon " + a), events.toString());
                assertTrue(events.indexOf("uncordon " + a) < a3First, events.toString());
                assertFalse(run.cluster().cordoned(a));
            }
            assertFalse(run.cluster().cordoned("a3"));
            assertEquals(TARGET, run.cluster().version("a3"));
            // the mark is on before the cordon and off after the uncordon, so a kill in between leaves it
            String mark = "annotate a1 " + UpgradeAgents.CORDONED_BY_UPGRADE;
            assertTrue(events.indexOf(mark + "=" + run.context().options().runId()) < events.indexOf("cordon a1"), events.toString());
            assertTrue(events.indexOf("uncordon a1") < events.indexOf(mark + "-"), events.toString());
            for (String a : List.of("a1", "a2", "a3")) {
                assertEquals(Map.of(), run.cluster().annotations(a), a + ": no mark left");
            }
        }
    }

    /** The state a run killed between drain and uncordon leaves: the node cordoned with the mark (and here upgraded already). */
    private static void leftCordonedByADeadRun(FakeRun run, String agent) {
        run.node("s1").kubectl().annotateNode(agent, UpgradeAgents.CORDONED_BY_UPGRADE, "dead.run");
        run.node("s1").kubectl().cordon(agent);
    }

    @Test
    void anAgentADeadRunLeftCordonedIsUncordonedByTheNextRunThoughItIsAtTheNewVersion() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET, "a1", TARGET, "a2", TARGET, "a3", TARGET))) {
            leftCordonedByADeadRun(run, "a2");
            UpgradePlan plan = check(run);
            assertEquals(List.of(), plan.pending(), "every node is at the new version");
            assertEquals(List.of("a2"), plan.leftCordoned());
            assertTrue(run.stderr().contains("stopped before uncordoning a2"), run.stderr());
            assertFalse(run.run(new WhenUpgrading(new SkipSnapshot())), "still nothing to snapshot");
            assertTrue(run.run(new UpgradeAgents(run.host("s1"), run.inventory().agents(), 1, null)), "runs for the cordoned agent alone");
            assertFalse(run.cluster().cordoned("a2"));
            assertEquals(Map.of(), run.cluster().annotations("a2"));
            assertEquals(List.of(), moves(run), "an agent at the new version is not upgraded again");
            assertEquals(List.of("uncordon node a2 (cordoned by an upgrade that stopped before it was back)"),
                    run.allChanges().stream().map(c -> c.description()).toList());
            // and the run after that has nothing left to do
            assertEquals(List.of(), check(run).leftCordoned());
            assertFalse(run.run(new UpgradeAgents(run.host("s1"), run.inventory().agents(), 1, null)));
        }
    }

    @Test
    void anAgentLeftCordonedBeforeItsUpgradeIsUncordonedAfterItEvenWithoutDrain() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET, "a2", TARGET, "a3", TARGET))) {
            leftCordonedByADeadRun(run, "a1");
            upgrade(run, 1, null);
            List<String> events = run.cluster().events();
            assertTrue(events.indexOf("restart a1") < events.lastIndexOf("uncordon a1"), "uncordoned once back: " + events);
            assertFalse(run.cluster().cordoned("a1"));
            assertEquals(Map.of(), run.cluster().annotations("a1"));
        }
    }

    @Test
    void anAgentCordonedBeforeTheUpgradeIsDrainedButStaysCordoned() {
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET))) {
            run.node("s1").kubectl().cordon("a2"); // the operator's, without our mark
            upgrade(run, 1, Duration.ofSeconds(30));
            List<String> events = run.cluster().events();
            assertTrue(events.contains("drain a2") && events.contains("restart a2"), events.toString());
            assertFalse(events.contains("uncordon a2"), events.toString());
            assertTrue(run.cluster().cordoned("a2"), "someone else's cordon is left as it was");
            assertEquals(Map.of(), run.cluster().annotations("a2"));
            assertFalse(run.cluster().cordoned("a1"), "our own cordon is undone");
        }
    }

    @Test
    void aDryRunPlansTheUncordonAndLeavesTheNodeAsItIs() {
        try (FakeRun run = cluster(dir, true, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET, "a1", TARGET, "a2", TARGET, "a3", TARGET))) {
            leftCordonedByADeadRun(run, "a3");
            check(run);
            run.run(new UpgradeAgents(run.host("s1"), run.inventory().agents(), 1, null));
            assertTrue(run.cluster().cordoned("a3"));
            assertEquals("dead.run", run.cluster().annotations("a3").get(UpgradeAgents.CORDONED_BY_UPGRADE));
            assertEquals(List.of("uncordon node a3 (cordoned by an upgrade that stopped before it was back)"), run.changes("a3"));
        }
    }

    @Test
    void theSnapshotPassphraseIsReadOnlyWhenSomeNodeNeedsTheUpgrade() {
        int[] asked = new int[1];
        java.util.function.Supplier<io.seedbootstrap.support.Secret> passphrase = () -> {
            asked[0]++;
            return io.seedbootstrap.support.Secret.literal("a long enough passphrase");
        };
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET, "s2", TARGET, "s3", TARGET, "a1", TARGET, "a2", TARGET, "a3", TARGET))) {
            check(run);
            assertFalse(run.run(new WhenUpgrading(new ReadSnapshotPassphrase(passphrase))));
            assertEquals(0, asked[0], "a converged cluster takes no snapshot, so no passphrase is asked for");
        }
        try (FakeRun run = cluster(dir, false, Map.of("s1", TARGET))) {
            check(run);
            assertTrue(run.run(new WhenUpgrading(new ReadSnapshotPassphrase(passphrase))));
            assertEquals(1, asked[0]);
            assertTrue(run.allChanges().isEmpty(), "reading it changes nothing");
        }
    }

    @Test
    void aDryRunPlansEveryNodesMoveAndChangesNothing() {
        try (FakeRun run = cluster(dir, true, Map.of())) {
            upgrade(run, 1, null);
            assertEquals(List.of(), moves(run));
            for (Host host : run.inventory().hosts()) {
                assertEquals(OLD, run.cluster().version(host.name()));
                assertTrue(run.changes(host.name()).contains("restart " + run.node(host.name()).rke2().unit() + " on RKE2 " + TARGET),
                        run.changes(host.name()).toString());
            }
        }
    }

    @Test
    void noSnapshotIsSaidLoudly() {
        try (FakeRun run = cluster(dir, false, Map.of())) {
            check(run);
            assertTrue(run.run(new SkipSnapshot()));
            assertTrue(run.stderr().contains("NO SNAPSHOT"), run.stderr());
        }
    }
}
