package io.seedbootstrap.phase.install;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Starting rke2-server / rke2-agent (contract A.4: Type=notify units, so {@code systemctl start}
 * returns once RKE2 says it is up) and waiting for the node to be Ready, read through kubectl
 * on the bootstrap server. Every failure carries the unit's journal tail, which is where RKE2
 * says why. Public for the DR phases (restore starts and checks nodes the same way).
 */
public final class Rke2Service {
    private static final Duration POLL = Duration.ofSeconds(2);

    private Rke2Service() {}

    public static String unit(Host host) {
        return host.role() == Role.SERVER ? "rke2-server" : "rke2-agent";
    }

    public static boolean active(RemoteHost remote, String unit) {
        return remote.exec(RemoteCommand.shell("systemctl is-active --quiet " + unit).allowFailure()).ok();
    }

    /** Restarts systemd makes of a failing join (Restart=always, A.4) before seed-bootstrap gives up on it. */
    static final int MAX_RESTARTS = 6;

    /** Enables and starts the node's unit through the change door; fails with the journal tail. */
    public static void start(RunContext context, Host host) {
        start(context, host, false);
    }

    /**
     * @param joining a joining node whose first start may fail on a transient cluster state
     *                (etcd still settling after the previous member's promotion: "unhealthy
     *                cluster"); systemd restarts it (Restart=always, A.4), as RKE2 expects, and
     *                {@link #waitReady} gives up after {@value #MAX_RESTARTS} restarts
     */
    public static void start(RunContext context, Host host, boolean joining) {
        RemoteHost remote = context.host(host.name());
        String unit = unit(host);
        context.change(host.name(), "enable and start " + unit, () -> {
            ExecResult result = remote.exec(RemoteCommand.shell("systemctl enable " + unit + " >/dev/null 2>&1; systemctl start " + unit)
                    .asRoot().allowFailure().timeout(context.options().waitTimeout()));
            if (!result.ok() && joining) {
                String last = journalTail(remote, unit).strip();
                context.reporter().warn(host.name(), unit + " did not start at the first attempt (" + last.substring(last.lastIndexOf('\n') + 1)
                        + "); systemd restarts it, waiting");
                return;
            }
            if (!result.ok()) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": " + unit + " did not start (" + result.stderrTail(3).strip()
                        + ").\nLast lines of `journalctl -u " + unit + "`:\n" + journalTail(remote, unit).indent(2).stripTrailing()
                        + "\nThe full log of this run: " + context.reporter().logFile());
            }
        });
    }

    public static String journalTail(RemoteHost remote, String unit) {
        return remote.exec(RemoteCommand.shell("journalctl -u " + unit + " -n 25 --no-pager -o cat 2>&1 | tail -n 25").asRoot()
                .allowFailure()).stdout();
    }

    /** All nodes as the cluster sees them, read on the bootstrap server (empty while the API is not up). */
    public static Optional<List<NodeStatus>> nodes(RemoteHost bootstrap) {
        ExecResult result = bootstrap.exec(RemoteCommand.shell(Rke2Paths.kubectl("get nodes -o json"), "kubectl get nodes").asRoot()
                .allowFailure().timeout(Duration.ofSeconds(30)));
        if (!result.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NodeStatus.parseList(result.stdout()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean ready(RemoteHost bootstrap, String nodeName) {
        return nodes(bootstrap).orElse(List.of()).stream().anyMatch(n -> n.name().equals(nodeName) && n.ready());
    }

    /** Waits until {@code host}'s node is Ready; on timeout shows that host's journal tail. */
    public static void waitReady(RunContext context, RemoteHost bootstrap, Host host) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        String node = host.effectiveNodeName();
        context.reporter().info(host.name(), "waiting for node " + node + " to be Ready");
        while (!ready(bootstrap, node)) {
            String restarts = context.host(host.name()).exec(RemoteCommand.shell("systemctl show -p NRestarts --value " + unit(host))
                    .allowFailure()).stdout().strip();
            if (restarts.matches("\\d+") && Integer.parseInt(restarts) > MAX_RESTARTS) {
                String unit = unit(host);
                throw new SeedException(ExitCode.FAILED, host.name() + ": " + unit + " failed " + restarts + " times in a row.\n"
                        + "Last lines of `journalctl -u " + unit + "`:\n" + journalTail(context.host(host.name()), unit).indent(2).stripTrailing()
                        + "\nThe full log of this run: " + context.reporter().logFile());
            }
            if (Instant.now().isAfter(deadline)) {
                String unit = unit(host);
                throw new SeedException(ExitCode.FAILED, host.name() + ": node " + node + " was not Ready within "
                        + context.options().waitTimeout().toSeconds() + " s.\nLast lines of `journalctl -u " + unit + "`:\n"
                        + journalTail(context.host(host.name()), unit).indent(2).stripTrailing()
                        + "\nThe full log of this run: " + context.reporter().logFile());
            }
            sleep();
        }
        context.reporter().info(host.name(), "node " + node + " is Ready");
    }

    /** Waits for a file RKE2 writes (the server token) to appear. */
    public static void waitForFile(RunContext context, Host host, String path) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        RemoteHost remote = context.host(host.name());
        while (!remote.exec(RemoteCommand.shell("test -s " + quote(path)).asRoot().allowFailure()).ok()) {
            if (Instant.now().isAfter(deadline)) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": " + path + " did not appear within "
                        + context.options().waitTimeout().toSeconds() + " s.\nLast lines of `journalctl -u " + unit(host) + "`:\n"
                        + journalTail(remote, unit(host)).indent(2).stripTrailing());
            }
            sleep();
        }
    }

    private static void sleep() {
        pause("RKE2");
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
