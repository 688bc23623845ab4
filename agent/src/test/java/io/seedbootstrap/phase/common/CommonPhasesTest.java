package io.seedbootstrap.phase.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.Progress;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.preflight.Check;
import io.seedbootstrap.preflight.PreflightReport;
import io.seedbootstrap.preflight.Result;
import io.seedbootstrap.ssh.SshFailure;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phases install shares with the other actions, against in-memory nodes. */
class CommonPhasesTest {
    @TempDir
    Path dir;

    // --- VerifyBundle ---------------------------------------------------------------------

    @Test
    void verifyBundlePublishesTheVerifiedBundleAndRefusesOneOfAnotherRke2Version() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            assertEquals("v1.35.7+rke2r1", run.verifyBundle().manifest().rke2Version());
        }
        try (FakeRun run = FakeRun.of(dir, false, "  rke2Version: v1.34.2+rke2r1")) {
            SeedException e = assertThrows(SeedException.class, run::verifyBundle);
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains("v1.34.2+rke2r1"), e.getMessage());
            assertTrue(run.context().state().find(null, VerifyBundle.BUNDLE).isEmpty());
        }
        try (FakeRun run = FakeRun.of(dir, false)) {
            SeedException e = assertThrows(SeedException.class, () -> new VerifyBundle(FakeRun.material().bundle(),
                    BundleVerifier.Trust.pinned("SHA256:" + "A".repeat(43), "test"), new BundleVerifier(1, Progress.none())).run(run.context()));
            assertTrue(run.context().state().find(null, VerifyBundle.BUNDLE).isEmpty(), "a bundle signed by another key: " + e.getMessage());
        }
    }

    // --- Connect --------------------------------------------------------------------------

    @Test
    void connectTriesEveryHostAndReportsThoseItCannotReachTogether() {
        try (FakeRun fresh = FakeRun.unconnected(dir)) {
            List<String> tried = Collections.synchronizedList(new ArrayList<>());
            Connect connect = new Connect(fresh.inventory().hosts(), (host, context) -> {
                tried.add(host.name());
                if (host.name().equals("a1")) {
                    throw new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to a1 (10.0.0.13:22): Connection refused");
                }
                return fresh.node(host.name());
            });
            SeedException e = assertThrows(SeedException.class, () -> fresh.run(connect));
            assertEquals(List.of("a1", "s1", "s2"), tried.stream().sorted().toList());
            assertTrue(e.getMessage().contains("a1: cannot connect to a1"), e.getMessage());
            assertEquals(List.of("s1", "s2"), fresh.context().connectedHosts().stream().sorted().toList());
            assertEquals(fresh.node("s2"), fresh.context().node("s2"));
        }
    }

    // --- GatherFacts ----------------------------------------------------------------------

    @Test
    void gatherFactsPublishesWhatEachNodesProbeFound() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            HostFacts rocky = FakeRun.facts(run.host("a1"), "rocky", "rhel centos fedora", "", "", true, "x86_64", 4096);
            run.node("a1").facts(rocky);
            run.run(new GatherFacts(run.inventory().hosts()));
            assertEquals(rocky, run.context().state().get("a1", GatherFacts.FACTS));
            assertEquals("debian", run.context().state().get("s1", GatherFacts.FACTS).osId());
            assertTrue(run.stderr().contains("a1: rocky 12, x86_64, 4 CPU, 4096 MiB"), run.stderr());
        }
    }

    // --- RunPreflight ---------------------------------------------------------------------

    @Test
    void runPreflightPassesHealthyHostsAndRefusesTheRunWhenOneFails() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.run(new RunPreflight(run.inventory().hosts()));
            PreflightReport report = run.context().state().get(null, RunPreflight.REPORT);
            assertTrue(!report.failed(), report.results().toString());
            assertEquals(Result.PASS, report.find("a1", Check.KUBELET_REACHABLE).orElseThrow().result(), "every node reached a1's kubelet port");
        }
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.facts("s2", FakeRun.facts(run.host("s2"), "debian", "", "", "", true, "x86_64", 1024));
            SeedException e = assertThrows(SeedException.class, () -> run.run(new RunPreflight(run.inventory().hosts())));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("s2 memory"), e.getMessage());
            assertTrue(run.allChanges().isEmpty(), "read-only");
        }
    }

    // --- TakeLock -------------------------------------------------------------------------

    private static HostLock lock(String runId, String operator, boolean alive) {
        return new HostLock(runId, operator, 4242, Instant.parse("2026-11-27T10:00:00Z"), "install", pid -> alive);
    }

    @Test
    void takeLockLocksEveryHostSweepsOldRelayCredentialsAndReleasesAtTheEnd() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.node("s2").relayLeftover("20261126T080000.0a0b0c").relayLeftover("20261127T100000.abcdef");
            TakeLock take = new TakeLock(run.inventory().hosts(), lock("20261127T100000.abcdef", "laptop", true), false);
            run.run(take);
            for (String h : List.of("s1", "s2", "a1")) {
                String text = run.node(h).fileAt(NodeSystem.LOCK_FILE).orElseThrow().text();
                assertTrue(text.startsWith("run=20261127T100000.abcdef\noperator=laptop\npid=4242\n"), text);
                assertEquals("0600", run.node(h).fileAt(NodeSystem.LOCK_FILE).orElseThrow().mode());
            }
            assertEquals(List.of("20261127T100000.abcdef"), run.node("s2").relayLeftovers(), "only this run's are kept");
            for (String h : List.of("s1", "s2", "a1")) {
                assertEquals(Optional.of(true), run.context().state().find(h, TakeLock.RELAY_SWEPT), h + ": the relay need not sweep it again");
            }
            assertTrue(run.changes("s2").contains("remove the relay credentials of earlier run(s) 20261126T080000.0a0b0c (root's authorized_keys, "
                    + io.seedbootstrap.host.Relay.RELAY_DIR + ")"), run.changes("s2").toString());
            assertTrue(run.context().plan().lastingChanges().stream().noneMatch(c -> c.description().contains("lock")),
                    "the lock is bookkeeping, not a lasting change");
            take.cleanUp(run.context());
            for (String h : List.of("s1", "s2", "a1")) {
                assertTrue(run.node(h).fileAt(NodeSystem.LOCK_FILE).isEmpty(), h);
            }
        }
    }

    @Test
    void takeLockRefusesAHostLockedByALiveRunAndReleasesWhatItTook() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.node("s1").file(NodeSystem.LOCK_FILE, "run=other\noperator=desk\npid=7\nstarted=2026-11-27T09:00:00Z\ncommand=backup\n", "0600");
            run.node("s2").relayLeftover("20261126T080000.0a0b0c");
            TakeLock take = new TakeLock(run.inventory().hosts(), lock("mine", "laptop", true), false);
            SeedException e = assertThrows(SeedException.class, () -> run.run(take));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("s1: locked by run other (backup) from desk, pid 7"), e.getMessage());
            FakeNode a1 = run.node("a1");
            assertTrue(a1.fileAt(NodeSystem.LOCK_FILE).isPresent(), "a1, first in name order, was locked first");
            assertTrue(run.node("s2").fileAt(NodeSystem.LOCK_FILE).isPresent(), "the hosts after the first are taken at once, s2 too");
            assertEquals(List.of("20261126T080000.0a0b0c"), run.node("s2").relayLeftovers(), "no sweep without every lock");
            assertEquals(Optional.empty(), run.context().state().find("s2", TakeLock.RELAY_SWEPT), "so the relay would sweep it");
            take.cleanUp(run.context());
            assertTrue(a1.fileAt(NodeSystem.LOCK_FILE).isEmpty());
            assertTrue(run.node("s2").fileAt(NodeSystem.LOCK_FILE).isEmpty(), "what this run took is released");
            assertTrue(run.node("s1").fileAt(NodeSystem.LOCK_FILE).orElseThrow().text().startsWith("run=other"), "the other run's lock stays");
        }
    }

    @Test
    void takeLockRefusedOnTheFirstHostTakesNoOther() {
        // two runs of the same hosts meet on the first one: the one refused there holds nothing
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.node("a1").file(NodeSystem.LOCK_FILE, "run=other\noperator=desk\npid=7\nstarted=x\ncommand=install\n", "0600");
            TakeLock take = new TakeLock(run.inventory().hosts(), lock("mine", "laptop", true), false);
            SeedException e = assertThrows(SeedException.class, () -> run.run(take));
            assertTrue(e.getMessage().startsWith("a1: locked by run other (install) from desk"), e.getMessage());
            assertTrue(run.node("s1").fileAt(NodeSystem.LOCK_FILE).isEmpty());
            assertTrue(run.node("s2").fileAt(NodeSystem.LOCK_FILE).isEmpty());
        }
    }

    @Test
    void takeLockTakesOverItsOwnDeadRunsLockAndADryRunOnlyLooks() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.node("s1").file(NodeSystem.LOCK_FILE, "run=old\noperator=laptop\npid=99\nstarted=x\ncommand=install\n", "0600");
            run.run(new TakeLock(run.inventory().hosts(), lock("new", "laptop", false), false));
            assertTrue(run.node("s1").fileAt(NodeSystem.LOCK_FILE).orElseThrow().text().startsWith("run=new\n"));
            assertTrue(run.stderr().contains("s1: warning: took over the lock of an earlier run of this operator whose process is gone"));
        }
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.node("s1").file(NodeSystem.LOCK_FILE, "run=other\noperator=desk\npid=7\nstarted=x\ncommand=backup\n", "0600");
            run.run(new TakeLock(run.inventory().hosts(), lock("mine", "laptop", true), false));
            assertTrue(run.node("a1").fileAt(NodeSystem.LOCK_FILE).isEmpty());
            assertTrue(run.stderr().contains("s1: warning: locked by run other (backup) from desk"), run.stderr());
            assertTrue(run.allChanges().stream().allMatch(c -> c.status() == PlannedChange.Status.PLANNED));
        }
    }

    /** Issue 22 (P3): what the lock command saw answers for the phases after it, until this run changes that host. */
    @Test
    void whatTheLockCommandSawAnswersUntilThisRunChangesThatHost() {
        String config = "/etc/rancher/rke2/config.yaml";
        List<String> paths = List.of(config, "/etc/rancher/rke2/absent.yaml");
        try (FakeRun run = FakeRun.of(dir, false)) {
            for (String h : List.of("s1", "a1")) {
                run.node(h).file(config, "cni: canal\n", "0600");
            }
            run.node("a1").running();
            run.run(new TakeLock(run.inventory().hosts(), lock("mine", "laptop", true), false,
                    (context, host) -> new NodeProbes.Look(paths, List.of(), List.of(context.node(host).rke2().unit()))));
            assertEquals(java.util.Optional.of(true), TakeLock.activeSeenAtLock(run.context(), run.host("a1"), "rke2-agent"));
            assertEquals(java.util.Optional.of(false), TakeLock.activeSeenAtLock(run.context(), run.host("s1"), "rke2-server"));
            java.util.Map<String, NodeFiles.State> seen = TakeLock.statesSeenAtLock(run.context(), run.host("a1"), paths).orElseThrow();
            assertEquals(run.node("a1").files().states(paths), seen, "as asking the host would answer");
            assertEquals(java.util.Set.of(config), seen.keySet());
            assertTrue(TakeLock.statesSeenAtLock(run.context(), run.host("a1"), List.of("/etc/other")).isEmpty(), "not looked at: ask");

            run.context().change("a1", "write " + config, () -> run.node("a1").files().write(config,
                    "cni: cilium\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "0600"));
            assertTrue(TakeLock.statesSeenAtLock(run.context(), run.host("a1"), paths).isEmpty(), "a1 changed since: ask");
            assertTrue(TakeLock.activeSeenAtLock(run.context(), run.host("a1"), "rke2-agent").isEmpty(), "a1 changed since: ask");
            assertEquals(seen, TakeLock.statesSeenAtLock(run.context(), run.host("s1"), paths).orElseThrow(), "s1 did not change");
        }
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.run(new TakeLock(run.inventory().hosts(), lock("mine", "laptop", true), false,
                    (context, host) -> new NodeProbes.Look(paths, List.of())));
            assertTrue(TakeLock.statesSeenAtLock(run.context(), run.host("a1"), paths).isEmpty(), "a dry run takes no lock, so sees nothing");
        }
    }
}
