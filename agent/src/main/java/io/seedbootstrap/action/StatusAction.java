package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.day2.ClusterStatus;
import io.seedbootstrap.phase.day2.ReadClusterStatus;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.ExitCode;
import java.time.Clock;
import java.util.List;

/**
 * {@code status}: every node, seed app, the PKI's nearest expiry and the last etcd snapshot, read
 * in parallel and changing nothing (no lock is taken: a run that holds one is a row's warning).
 * Like preflight it goes on past hosts it cannot reach: they are rows. The command decides the
 * exit code from the result.
 */
public final class StatusAction {
    public record Request(Inventory inventory, SshOptions ssh, Clock clock) {}

    /** Every row; {@link #exitCode()} says what the command exits with. */
    public record Result(ClusterStatus status, ActionRunner.Finished run) {
        /** 0 when no row FAILs (WARN rows included), 3 when one does. */
        public ExitCode exitCode() {
            return status.healthy() ? ExitCode.OK : ExitCode.UNEXPECTED_STATE;
        }
    }

    private StatusAction() {}

    public static Result run(Request request, ActionRunner runner) {
        Inventory inventory = request.inventory();
        ActionRunner.Ran ran = runner.run(inventory, List.of(), lock -> phases(request),
                "status of cluster " + inventory.cluster().name() + " on " + inventory.hosts().size() + " host(s)");
        return new Result(ran.context().state().get(null, ReadClusterStatus.STATUS), ran.finished());
    }

    public static List<Phase> phases(Request request) {
        List<Host> hosts = request.inventory().hosts();
        return List.of(
                Connect.keepingFailures(hosts, request.ssh()),
                new ReadClusterStatus(hosts, request.clock()));
    }
}
