package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.rke2.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Contract A.10 steps 3–4: the other servers join one at a time (etcd admits one learner at a
 * time), each Ready before the next; agents then join in parallel, bounded by the run's
 * connection limit. Nodes already Ready are left alone.
 */
public final class JoinNodes implements Phase {
    private static final Duration ETCD_HEALTH_INTERVAL = Duration.ofSeconds(5);

    private final Host bootstrap;
    private final List<Host> servers;
    private final List<Host> agents;
    private final Duration settle;

    public JoinNodes(Host bootstrap, List<Host> servers, List<Host> agents) {
        this(bootstrap, servers, agents, ETCD_HEALTH_INTERVAL);
    }

    /** @param settle the pause between two server joins (tests shorten it) */
    JoinNodes(Host bootstrap, List<Host> servers, List<Host> agents, Duration settle) {
        this.bootstrap = bootstrap;
        this.servers = servers.stream().filter(h -> !h.equals(bootstrap)).toList();
        this.agents = List.copyOf(agents);
        this.settle = settle;
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
        Node first = context.node(bootstrap);
        List<Host> joining = new ArrayList<>(servers);
        joining.addAll(agents);
        // what is joined already, in one look: every unit and the cluster's nodes at once (a converged
        // re-run then costs one round trip here, not two per node in sequence; P3)
        CompletableFuture<Set<String>> readyNodes = CompletableFuture.supplyAsync(() -> ClusterNodes.read(context, first).orElse(List.<NodeStatus>of())
                .stream().filter(NodeStatus::ready).map(NodeStatus::name).collect(Collectors.toSet()));
        Map<Host, Boolean> active = context.hosts().parallel(joining, Host::name, host -> activeAtLock(context, host));
        Set<String> ready;
        try {
            ready = readyNodes.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        Predicate<Host> joined = host -> active.get(host) && ready.contains(host.effectiveNodeName());
        for (Host server : servers) {
            if (join(context, first, context.node(server), joined.test(server)) && !context.dryRun()) {
                settle();
            }
        }
        context.hosts().parallel(agents, Host::name, agent -> join(context, first, context.node(agent), joined.test(agent)));
    }

    /** What {@link #run} reads of a host's unit, for the command that takes its lock to look at (TakeLock#activeSeenAtLock). */
    public static NodeProbes.Look look(RunContext context, Host host) {
        return new NodeProbes.Look(List.of(), List.of(), List.of(context.node(host).rke2().unit()));
    }

    /** Whether the host's unit is active: as the lock's command saw it while this run has changed nothing there, else asked. */
    static boolean activeAtLock(RunContext context, Host host) {
        Node node = context.node(host);
        return TakeLock.activeSeenAtLock(context, host, node.rke2().unit()).orElseGet(() -> node.rke2().active());
    }

    /**
     * Returns whether the node was started (false: it was already joined and Ready, in the first look or
     * now: a server's turn may come after the look, as it did before that look existed).
     */
    private static boolean join(RunContext context, Node first, Node node, boolean joined) {
        if (joined || node.rke2().active() && first.kubectl().ready(node.host().effectiveNodeName())) {
            context.reporter().debug(node.name(), "already joined and Ready");
            return false;
        }
        Rke2Start.start(context, node, true);
        if (!context.dryRun()) {
            Rke2Start.waitReady(context, first, node);
        }
        return true;
    }

    /**
     * etcd refuses a membership change ("unhealthy cluster") until the leader has been connected
     * to every member for its health interval (5 s); a new server's member is that fresh, so the
     * next server waits that long instead of failing its first start.
     */
    private void settle() {
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(ExitCode.INTERRUPTED, "interrupted between server joins");
        }
    }
}
