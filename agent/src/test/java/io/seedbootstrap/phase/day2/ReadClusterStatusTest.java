package io.seedbootstrap.phase.day2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.action.StatusAction;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.day2.ClusterStatus.Health;
import io.seedbootstrap.phase.day2.ClusterStatus.NodeRow;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} on in-memory nodes (two servers and an agent, cert-manager deployed): the rows
 * and the exit code for a healthy cluster and for each way a row goes wrong, and nothing changed.
 */
class ReadClusterStatusTest {
    private static final String VERSION = "v1.35.7+rke2r1";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** Every node running RKE2 and Ready; cert-manager's HelmChart applied and its job done. */
    private FakeRun healthy() {
        FakeRun run = FakeRun.of(dir, false);
        for (Host host : run.inventory().hosts()) {
            run.facts(host.name(), FakeRun.runningRke2(host, VERSION));
            run.node(host.name()).running();
        }
        run.node("s1").files().write(Rke2Paths.MANIFESTS + "/seed-cert-manager.yaml", ("apiVersion: helm.cattle.io/v1\nkind: HelmChart\n"
                + "metadata: {name: cert-manager, namespace: kube-system}\nspec: {chart: cert-manager, targetNamespace: cert-manager}\n")
                .getBytes(StandardCharsets.UTF_8), "0600");
        run.node("s1").rke2().saveSnapshot("etcd-snapshot", Duration.ofSeconds(5));
        return run;
    }

    private static ClusterStatus status(FakeRun run) {
        run.run(new ReadClusterStatus(run.inventory().hosts(), CLOCK));
        return run.context().state().get(null, ReadClusterStatus.STATUS);
    }

    private static NodeRow row(ClusterStatus status, String host) {
        return status.nodes().stream().filter(n -> n.host().equals(host)).findFirst().orElseThrow();
    }

    private static ExitCode exit(ClusterStatus status) {
        return new StatusAction.Result(status, null).exitCode();
    }

    @Test
    void aHealthyClusterIsOneOkRowPerNodeAndAppAndExitZeroAndNothingChanges() {
        try (FakeRun run = healthy()) {
            Map<String, FakeNode.File> before = run.node("s1").allFiles();
            ClusterStatus status = status(run);
            assertEquals(List.of("s1", "s2", "a1"), status.nodes().stream().map(NodeRow::host).toList());
            for (NodeRow n : status.nodes()) {
                assertEquals(Health.OK, n.health(), n.toString());
                assertTrue(n.reachable() && n.ready(), n.toString());
                assertEquals("active", n.unitState());
                assertEquals(VERSION, n.rke2Version());
                assertEquals(100L, n.diskFreeGiB());
                assertNull(n.lock());
            }
            assertTrue(row(status, "s1").bootstrap() && !row(status, "s2").bootstrap());
            assertEquals(Boolean.TRUE, row(status, "s2").etcdHealthy());
            assertNull(row(status, "a1").etcdHealthy(), "agents have no etcd");
            assertEquals(1, status.apps().size());
            ClusterStatus.AppRow app = status.apps().get(0);
            assertEquals("cert-manager complete true OK", app.app() + " " + app.job() + " " + app.helmChartApplied() + " " + app.health());
            assertEquals(Health.OK, status.pki().health(), status.pki().detail());
            assertTrue(status.pki().daysLeft() > 300, status.pki().detail());
            assertEquals(Health.OK, status.snapshot().health(), status.snapshot().detail());
            assertEquals(0L, status.snapshot().ageSeconds());
            assertTrue(status.snapshot().name().startsWith("etcd-snapshot-s1-"), status.snapshot().name());
            assertTrue(status.healthy());
            assertEquals(ExitCode.OK, exit(status));
            // read-only: no change recorded, no file touched
            assertEquals(List.of(), run.allChanges());
            assertEquals(before, run.node("s1").allFiles());
        }
    }

    @Test
    void aStoppedAgentIsAFailingRowNamedAndExitThree() {
        try (FakeRun run = healthy()) {
            run.node("a1").stopped();
            ClusterStatus status = status(run);
            NodeRow agent = row(status, "a1");
            assertEquals(Health.FAIL, agent.health());
            assertEquals("inactive", agent.unitState());
            assertEquals(Boolean.FALSE, agent.ready());
            assertEquals(List.of("a1: unit rke2-agent is inactive", "a1: node a1 is NotReady"), status.problems(Health.FAIL));
            assertFalse(status.healthy());
            assertEquals(ExitCode.UNEXPECTED_STATE, exit(status));
        }
    }

    @Test
    void aHostThatCannotBeReachedIsARowNotAFailureOfTheRun() {
        try (FakeRun run = healthy()) {
            run.context().state().put("a1", Connect.FAILURE, new SeedException(ExitCode.FAILED, "a1: cannot connect to 10.0.0.13:22: refused"));
            ClusterStatus status = status(run);
            NodeRow agent = row(status, "a1");
            assertFalse(agent.reachable());
            assertEquals(List.of("unreachable: a1: cannot connect to 10.0.0.13:22: refused"), agent.problems());
            assertEquals(Health.OK, row(status, "s1").health());
            assertEquals(ExitCode.UNEXPECTED_STATE, exit(status));
        }
    }

    @Test
    void aHeldLockIsAWarningAndStillExitZero() {
        try (FakeRun run = healthy()) {
            run.node("s2").system().createLock("run=20261127T095900.aaaaaa\noperator=admin-box\npid=4242\nstarted=2026-11-27T09:59:00Z\n"
                    + "command=upgrade\n");
            ClusterStatus status = status(run);
            NodeRow s2 = row(status, "s2");
            assertEquals(Health.WARN, s2.health());
            assertEquals("run 20261127T095900.aaaaaa (upgrade) from admin-box, pid 4242, since 2026-11-27T09:59:00Z", s2.lock());
            assertEquals(ExitCode.OK, exit(status));
            assertEquals(List.of("s2: locked by " + s2.lock()), status.problems(Health.WARN));
        }
    }

    @Test
    void unhealthyEtcdFailsTheServers() {
        try (FakeRun run = healthy()) {
            run.cluster().etcdHealthy(false);
            ClusterStatus status = status(run);
            assertEquals(Boolean.FALSE, row(status, "s1").etcdHealthy());
            assertTrue(row(status, "s1").problems().contains("etcd is not healthy (/readyz/etcd)"), row(status, "s1").problems().toString());
            assertEquals(Health.OK, row(status, "a1").health());
            assertEquals(ExitCode.UNEXPECTED_STATE, exit(status));
        }
    }

    @Test
    void aFailedOrMissingSeedAppJobFails() {
        try (FakeRun run = healthy()) {
            // the helm-controller's job used up its backoffLimit (contract D)
            run.node("s1").kubectl().get("job", "kube-system", "helm-install-cert-manager");
            run.node("s1").kubectl().withStdin("apply", ("{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {\"name\": "
                    + "\"helm-install-cert-manager\", \"namespace\": \"kube-system\"}, \"status\": {\"failed\": 7, \"conditions\": "
                    + "[{\"type\": \"Failed\", \"status\": \"True\", \"reason\": \"BackoffLimitExceeded\"}]}}").getBytes(StandardCharsets.UTF_8), "job");
            ClusterStatus status = status(run);
            assertEquals("failed", status.apps().get(0).job());
            assertEquals(List.of("cert-manager: job helm-install-cert-manager failed: BackoffLimitExceeded"), status.problems(Health.FAIL));
            run.node("s1").kubectl().delete("helmchart", "kube-system", "cert-manager");
            ClusterStatus gone = status(run);
            assertFalse(gone.apps().get(0).helmChartApplied());
            assertEquals(Health.FAIL, gone.apps().get(0).health());
        }
    }

    @Test
    void noServerRunningFailsEveryRowThatNeedsTheApi() {
        try (FakeRun run = healthy()) {
            run.node("s1").stopped();
            run.node("s2").stopped();
            ClusterStatus status = status(run);
            assertNull(row(status, "a1").ready());
            assertTrue(row(status, "a1").problems().get(0).startsWith("no server's API answered"), row(status, "a1").problems().toString());
            assertEquals(Health.FAIL, status.apps().get(0).health());
            assertEquals(Health.WARN, status.snapshot().health(), "no running server to list snapshots");
        }
    }

    @Test
    void anOldSnapshotOrNoneIsAWarning() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            for (Host host : run.inventory().hosts()) {
                run.facts(host.name(), FakeRun.runningRke2(host, VERSION));
                run.node(host.name()).running();
            }
            run.node("s1").files().write(Rke2Paths.MANIFESTS + "/seed-cert-manager.yaml", ("apiVersion: helm.cattle.io/v1\nkind: HelmChart\n"
                    + "metadata: {name: cert-manager, namespace: kube-system}\nspec: {chart: cert-manager}\n").getBytes(StandardCharsets.UTF_8), "0600");
            ClusterStatus none = status(run);
            assertEquals(Health.WARN, none.snapshot().health());
            assertTrue(none.snapshot().detail().startsWith("no etcd snapshot yet"), none.snapshot().detail());
            run.cluster().tick(-3 * 86_400); // a snapshot three days before the hosts' clock
            run.node("s2").rke2().saveSnapshot("etcd-snapshot", Duration.ofSeconds(5));
            ClusterStatus old = status(run);
            assertEquals(Health.WARN, old.snapshot().health());
            assertEquals(3 * 86_400L, old.snapshot().ageSeconds());
            assertEquals("s2", old.snapshot().node());
            assertEquals(ExitCode.OK, exit(old));
        }
    }
}
