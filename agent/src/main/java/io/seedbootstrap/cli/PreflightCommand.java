package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.PreflightAction;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.preflight.Preflight;
import io.seedbootstrap.preflight.PreflightReport;
import io.seedbootstrap.preflight.PreflightTable;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code seed-bootstrap preflight inventory.yaml}: read-only checks of every host, all problems at once. */
@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = {"Check every host of the inventory, in parallel and read-only, before anything is installed; "
                + "print one row per host and check (PASS, WARN, FAIL, SKIPPED) with what to do. Exit 3 when any check fails.",
            "Checks: reachable, auth, sudo, os, arch, cpu, memory, disk, swap, clock, hostname-unique, machine-id-unique, "
                + "node-ip-local, node-ip-unique, default-route, ports, server-ports-reachable, registration-address, "
                + "kubelet-reachable, kernel-modules, firewall, networkmanager, fapolicyd, usr-local (all but reachable and auth can be listed "
                + "in preflight.skip)."},
        footer = "Preflight changes nothing on the hosts; on free ports it must test (a server's 9345, 6443, 2379, 2380, "
                + "every node's 10250) it starts short-lived listeners for the reachability test, which are removed at once and end on their own within seconds.")
public final class PreflightCommand extends InventoryCommand.InventoryFileCommand {
    @Mixin
    OutputOption output;

    @Mixin
    HostKeyOption hostKeys;

    @Override
    public Integer call() {
        Inventory inventory = loadOrThrow().inventory();
        SshOptions options = hostKeys.ssh();
        PreflightReport report = PreflightAction.run(new PreflightAction.Request(inventory, options),
                new ActionRunner(new ActionRunner.Settings("preflight", false, null, java.time.Duration.ZERO,
                        RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), false))).report();
        if (output.json()) {
            printJson(PreflightTable.toMap(report));
        } else {
            out().print(PreflightTable.render(report));
            out().flush();
        }
        return report.failed() ? ExitCode.UNEXPECTED_STATE.code() : ExitCode.OK.code();
    }
}
