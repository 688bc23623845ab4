package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import java.util.List;

/**
 * Contract A.10 steps 3–4: the other servers join one at a time (etcd admits one learner at a
 * time), each Ready before the next; agents then join in parallel, bounded by the run's
 * connection limit. Nodes already Ready are left alone.
 */
public final class JoinNodes implements Phase {
    private static final java.time.Duration ETCD_HEALTH_INTERVAL = java.time.Duration.ofSeconds(5);

    private final Host bootstrap;
    private final List<Host> servers;
    private final List<Host> agents;

    public JoinNodes(Host bootstrap, List<Host> servers, List<Host> agents) {
        this.bootstrap = bootstrap;
        this.servers = servers.stream().filter(h -> !h.equals(bootstrap)).toList();
        this.agents = List.copyOf(agents);
    }

    @Override
    public String title() {
        return "Join " + servers.size() + " server(s) one at a time, then " + agents.size() + " agent(s)";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !servers.isEmpty() || !agents.isEmpty();
    }

    @Override
    public void run(RunContext context) {
        var first = context.host(bootstrap.name());
        for (Host server : servers) {
            if (join(context, first, server) && !context.dryRun()) {
                settle();
            }
        }
        context.hosts().parallel(agents, Host::name, agent -> {
            join(context, first, agent);
            return null;
        });
    }

    /** Returns whether the node was started (false: it was already joined and Ready). */
    private static boolean join(RunContext context, io.seedbootstrap.ssh.RemoteHost first, Host host) {
        var remote = context.host(host.name());
        if (Rke2Service.active(remote, Rke2Service.unit(host)) && Rke2Service.ready(first, host.effectiveNodeName())) {
            context.reporter().debug(host.name(), "already joined and Ready");
            return false;
        }
        Rke2Service.start(context, host, true);
        if (!context.dryRun()) {
            Rke2Service.waitReady(context, first, host);
        }
        return true;
    }

    /**
     * etcd refuses a membership change ("unhealthy cluster") until the leader has been connected
     * to every member for its health interval (5 s); a new server's member is that fresh, so the
     * next server waits that long instead of failing its first start.
     */
    private static void settle() {
        try {
            Thread.sleep(ETCD_HEALTH_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.seedbootstrap.support.SeedException(io.seedbootstrap.support.ExitCode.INTERRUPTED, "interrupted between server joins");
        }
    }
}
