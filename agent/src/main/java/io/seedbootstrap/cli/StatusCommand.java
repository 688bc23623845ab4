package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.StatusAction;
import io.seedbootstrap.phase.day2.ClusterStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code seed-bootstrap status inventory.yaml}: one row per node and seed app, read-only. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the cluster as it is, read-only and in parallel: per node its role, whether it is reachable, the RKE2 "
                + "version, the unit's state, Ready, etcd's health (servers), free disk under /var/lib/rancher and who holds the host "
                + "lock; per seed app whether its HelmChart is applied and how its job ended; the PKI's nearest expiry and the age of "
                + "the last etcd snapshot.",
            "Exit 0 when everything is healthy, 3 when something is not (the rows are named on stderr), 2 for bad input."},
        footer = "status changes nothing on the hosts and takes no lock.")
public final class StatusCommand extends InventoryCommand.InventoryFileCommand {
    @Mixin
    OutputOption output;

    @Mixin
    HostKeyOption hostKeys;

    @Override
    public Integer call() {
        StatusAction.Result result = StatusAction.run(new StatusAction.Request(loadOrThrow().inventory(),
                hostKeys.ssh(), Clock.systemUTC()),
                new ActionRunner(new ActionRunner.Settings("status", false, null, java.time.Duration.ZERO,
                        RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), false)));
        ClusterStatus status = result.status();
        if (output.json()) {
            printJson(status);
        } else {
            print(out(), status);
        }
        List<String> failures = status.problems(ClusterStatus.Health.FAIL);
        if (!failures.isEmpty()) {
            PrintWriter err = err();
            err.println("seed-bootstrap: status: " + failures.size() + " problem(s):");
            failures.forEach(f -> err.println("  " + f));
            err.flush();
        }
        return result.exitCode().code();
    }

    private static void print(PrintWriter out, ClusterStatus status) {
        out.println("Cluster " + status.cluster());
        out.printf("%-16s %-7s %-5s %-16s %-14s %-9s %-5s %-8s %-6s %s%n", "HOST", "ROLE", "SSH", "RKE2", "UNIT", "NODE", "ETCD", "DISK",
                "HEALTH", "PROBLEMS");
        for (ClusterStatus.NodeRow n : status.nodes()) {
            out.printf("%-16s %-7s %-5s %-16s %-14s %-9s %-5s %-8s %-6s %s%n", n.host(), n.role() + (n.bootstrap() ? "*" : ""),
                    n.reachable() ? "ok" : "no", dash(n.rke2Version()), dash(n.unitState()),
                    n.ready() == null ? "?" : n.ready() ? "Ready" : "NotReady", n.etcdHealthy() == null ? "-" : n.etcdHealthy() ? "ok" : "down",
                    n.diskFreeGiB() == null ? "-" : n.diskFreeGiB() + "G", n.health(), String.join("; ", n.problems()));
        }
        if (!status.apps().isEmpty()) {
            out.println();
            out.printf("%-14s %-14s %-9s %-10s %-6s %s%n", "APP", "HELMCHART", "APPLIED", "JOB", "HEALTH", "DETAIL");
            for (ClusterStatus.AppRow a : status.apps()) {
                out.printf("%-14s %-14s %-9s %-10s %-6s %s%n", a.app(), a.helmChart(), a.helmChartApplied() ? "yes" : "no", a.job(),
                        a.health(), a.detail());
            }
        }
        out.println();
        out.printf("%-14s %-6s %s%n", "PKI", status.pki().health(), status.pki().detail());
        out.printf("%-14s %-6s %s%n", "ETCD SNAPSHOT", status.snapshot().health(), status.snapshot().detail());
        out.println("(* bootstrap server)  " + (status.healthy() ? "healthy" : "NOT healthy"));
        out.flush();
    }

    private static String dash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
