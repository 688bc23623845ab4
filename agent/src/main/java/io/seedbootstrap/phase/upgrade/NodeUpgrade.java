package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One node moved to the bundle's release (contract A.11): install.sh in tarball mode from the
 * artifacts already on the host, a restart of its unit, then a wait until the cluster (as the
 * bootstrap server sees it) has the node Ready at the new version and, for a server, etcd healthy
 * again before the next server goes down.
 */
final class NodeUpgrade {
    /** Restarts systemd makes of a failing unit (Restart=always, A.4) before the upgrade gives up on it. */
    static final int MAX_RESTARTS = 6;

    private NodeUpgrade() {}

    static void upgrade(RunContext context, Node bootstrap, Host host, String target) {
        Node node = context.node(host);
        InstallRke2.installOn(context, host);
        context.change(host.name(), "restart " + node.rke2().unit() + " on RKE2 " + target,
                () -> node.rke2().restart(context.options().waitTimeout()));
        if (!context.dryRun()) {
            waitUpgraded(context, bootstrap, node, target);
        }
    }

    private static void waitUpgraded(RunContext context, Node bootstrap, Node node, String target) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        String name = node.host().effectiveNodeName();
        boolean server = node.host().role() == Role.SERVER;
        context.reporter().info(node.name(), "waiting for node " + name + " to be Ready at " + target + (server ? " with etcd healthy" : ""));
        String seen = "not seen";
        while (true) {
            Optional<NodeStatus> status = bootstrap.kubectl().nodes().orElse(List.of()).stream().filter(n -> n.name().equals(name)).findFirst();
            if (status.isPresent()) {
                seen = (status.get().ready() ? "Ready" : "NotReady") + " at " + status.get().kubeletVersion();
                if (status.get().ready() && target.equals(status.get().kubeletVersion()) && (!server || bootstrap.kubectl().etcdHealthy())) {
                    break;
                }
            }
            int restarts = node.rke2().restarts();
            if (restarts > MAX_RESTARTS) {
                throw failure(context, node, node.rke2().unit() + " failed " + restarts + " times in a row");
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure(context, node, "node " + name + " was not Ready at " + target + (server ? " with etcd healthy" : "")
                        + " within " + context.options().waitTimeout().toSeconds() + " s (last seen: " + seen + ")");
            }
            pause();
        }
        context.reporter().info(node.name(), "node " + name + " is Ready at " + target);
    }

    private static SeedException failure(RunContext context, Node node, String what) {
        return new SeedException(ExitCode.FAILED, node.name() + ": " + what + ".\nLast lines of `journalctl -u " + node.rke2().unit()
                + "`:\n" + node.rke2().journalTail().indent(2).stripTrailing() + "\nThe full log of this run: " + context.reporter().logFile());
    }

    /**
     * The error that stops the upgrade at {@code failed}: what went wrong, what is upgraded, what
     * was not touched, and what to do next.
     */
    static SeedException stopped(RunContext context, UpgradePlan plan, List<String> upgraded, List<String> untouched, String failed,
            RuntimeException cause) {
        ExitCode code = cause instanceof SeedException e ? e.exitCode() : ExitCode.FAILED;
        return new SeedException(code, cause.getMessage() + "\n\nThe upgrade to RKE2 " + plan.target() + " stopped at " + failed + ".\n"
                + "  upgraded in this run: " + (upgraded.isEmpty() ? "none" : String.join(", ", upgraded)) + "\n"
                + "  not touched (still at their version): " + plan.describe(untouched) + "\n"
                + "What to do: find why " + failed + " failed (the journal above), fix it, and run `seed-bootstrap upgrade` again: it "
                + "leaves the nodes already at " + plan.target() + " alone and continues with " + failed + ". The cluster keeps "
                + "serving from the other nodes meanwhile. To go back instead, restore the snapshot archive written before the upgrade "
                + "(`seed-bootstrap restore`).", cause);
    }

    /** One polling interval; Ctrl-C ends the run (exit 130). */
    static void pause() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(ExitCode.INTERRUPTED, "interrupted while waiting for a node to come back after its upgrade");
        }
    }
}
