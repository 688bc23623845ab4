package io.seedbootstrap.cli;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.preflight.Preflight;
import io.seedbootstrap.preflight.PreflightReport;
import io.seedbootstrap.preflight.PreflightTable;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
public final class PreflightCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Inventory: seed-bootstrap YAML or an Ansible inventory (INI or YAML).")
    Path file;

    @Mixin
    InventoryOptions inventoryOptions;

    @Mixin
    OutputOption output;

    @Option(names = "--accept-new-host-keys",
            description = "Trust and record host keys that known_hosts does not list yet (never replaces a recorded key).")
    boolean acceptNewHostKeys;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    PreflightCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LoadedInventory loaded = context.inventoryLoader().loadOrThrow(file, inventoryOptions.toLoadOptions());
        PrintWriter err = spec.commandLine().getErr();
        Output.printDiagnostics(err, loaded.diagnostics());
        Inventory inventory = loaded.inventory();
        SshOptions options = SshOptions.defaults().withAcceptNewHostKeys(acceptNewHostKeys);
        Preflight preflight = new Preflight(new Hosts(Hosts.Limits.defaults()), (host, message) -> {
            synchronized (err) {
                err.println((host == null ? "" : host + ": ") + message);
                err.flush();
            }
        });
        PreflightReport report = preflight.run(inventory, host -> RemoteHost.open(host, inventory.ssh(), options));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            InventoryCommand.print(out, Json.json(), PreflightTable.toMap(report));
        } else {
            out.print(PreflightTable.render(report));
            out.flush();
        }
        return report.failed() ? ExitCode.UNEXPECTED_STATE.code() : ExitCode.OK.code();
    }
}
