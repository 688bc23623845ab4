package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.RunPreflight;
import io.seedbootstrap.preflight.Preflight;
import io.seedbootstrap.preflight.PreflightReport;
import io.seedbootstrap.ssh.SshOptions;
import java.util.List;

/**
 * {@code preflight}: the read-only checks install runs before its first change, on their own and
 * on the same engine. Unlike install it goes on past hosts it cannot reach or log into (they are
 * rows of the report) and past failed checks: the report is the result, the command decides the
 * exit code. No lock is taken: nothing is changed.
 */
public final class PreflightAction {
    public record Request(Inventory inventory, SshOptions ssh) {}

    /** Every row, one per host and check. */
    public record Result(PreflightReport report) {}

    private PreflightAction() {}

    /**
     * Checks the inventory's preflight section first (exit 2 before any host is contacted), then
     * runs the phases on {@code runner}.
     */
    public static Result run(Request request, ActionRunner runner) {
        Inventory inventory = request.inventory();
        Preflight.validate(inventory);
        ActionRunner.Ran ran = runner.run(inventory, List.of(), lock -> phases(request),
                "preflight of cluster " + inventory.cluster().name() + " on " + inventory.hosts().size() + " host(s)");
        return new Result(ran.context().state().get(null, RunPreflight.REPORT));
    }

    public static List<Phase> phases(Request request) {
        List<Host> hosts = request.inventory().hosts();
        return List.of(
                Connect.keepingFailures(hosts, request.ssh()),
                // facts are gathered inside the checks, so a host whose probe fails is a row, not an abort
                RunPreflight.reportOnly(hosts));
    }
}
