package io.seedbootstrap.phase.install;

import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.time.Duration;
import java.time.Instant;

/**
 * Starting rke2-server / rke2-agent (contract A.4: Type=notify units, so {@code systemctl start}
 * returns once RKE2 says it is up) and waiting for the node to be Ready, as the cluster on the
 * bootstrap server sees it. Every failure carries the unit's journal tail, which is where RKE2
 * says why.
 */
final class Rke2Start {
    private static final Duration POLL = Duration.ofSeconds(2);

    /** Restarts systemd makes of a failing join (Restart=always, A.4) before seed-bootstrap gives up on it. */
    static final int MAX_RESTARTS = 6;

    private Rke2Start() {}

    /**
     * Enables and starts the node's unit through the change door; fails with the journal tail.
     *
     * @param joining a joining node whose first start may fail on a transient cluster state
     *                (etcd still settling after the previous member's promotion: "unhealthy
     *                cluster"); systemd restarts it (Restart=always, A.4), as RKE2 expects, and
     *                {@link #waitReady} gives up after {@value #MAX_RESTARTS} restarts
     */
    static void start(RunContext context, Node node, boolean joining) {
        String unit = node.rke2().unit();
        context.change(node.name(), "enable and start " + unit, () -> {
            var result = node.rke2().start(context.options().waitTimeout());
            if (!result.ok() && joining) {
                String last = node.rke2().journalTail().strip();
                context.reporter().warn(node.name(), unit + " did not start at the first attempt (" + last.substring(last.lastIndexOf('\n') + 1)
                        + "); systemd restarts it, waiting");
                return;
            }
            if (!result.ok()) {
                throw new SeedException(ExitCode.FAILED, node.name() + ": " + unit + " did not start (" + result.error()
                        + ").\n" + journal(node) + "\nThe full log of this run: " + context.reporter().logFile());
            }
        });
    }

    private static String journal(Node node) {
        return "Last lines of `journalctl -u " + node.rke2().unit() + "`:\n" + node.rke2().journalTail().indent(2).stripTrailing();
    }

    /** Waits until {@code node} is Ready as the bootstrap server's cluster sees it; on timeout shows that node's journal tail. */
    static void waitReady(RunContext context, Node bootstrap, Node node) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        String name = node.host().effectiveNodeName();
        context.reporter().info(node.name(), "waiting for node " + name + " to be Ready");
        while (!bootstrap.kubectl().ready(name)) {
            int restarts = node.rke2().restarts();
            if (restarts > MAX_RESTARTS) {
                throw new SeedException(ExitCode.FAILED, node.name() + ": " + node.rke2().unit() + " failed " + restarts + " times in a row.\n"
                        + journal(node) + "\nThe full log of this run: " + context.reporter().logFile());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SeedException(ExitCode.FAILED, node.name() + ": node " + name + " was not Ready within "
                        + context.options().waitTimeout().toSeconds() + " s.\n" + journal(node)
                        + "\nThe full log of this run: " + context.reporter().logFile());
            }
            pause("RKE2");
        }
        context.reporter().info(node.name(), "node " + name + " is Ready");
    }

    /** Waits for a file RKE2 writes (the server token) to appear. */
    static void waitForFile(RunContext context, Node node, String path) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        while (!node.files().hasContent(path)) {
            if (Instant.now().isAfter(deadline)) {
                throw new SeedException(ExitCode.FAILED, node.name() + ": " + path + " did not appear within "
                        + context.options().waitTimeout().toSeconds() + " s.\n" + journal(node));
            }
            pause("RKE2");
        }
    }

    /** One polling interval; Ctrl-C ends the run (exit 130) naming what it waited for. */
    static void pause(String waitingFor) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(ExitCode.INTERRUPTED, "interrupted while waiting for " + waitingFor);
        }
    }
}
