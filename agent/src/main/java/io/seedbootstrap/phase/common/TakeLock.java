package io.seedbootstrap.phase.common;

import io.seedbootstrap.host.Relay;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Takes the host lock on every host: the first host in name order alone, then all the others at
 * once. Taking never waits (a held lock refuses at once), so no order can deadlock; the first host
 * alone makes two runs of the same hosts meet there, so one of them gets every lock instead of each
 * holding half and both refusing. (Runs whose host sets only overlap may then both refuse, as
 * they may without it; neither waits.) A refusal releases what this run took (cleanUp) and
 * names the holder. Two rounds of lock commands instead of one per host (issue 22, P3).
 *
 * <p>Holding the lock, it removes relay credentials earlier runs left on the host (a line in
 * root's authorized_keys and one-hop keys: {@link Relay#leftovers}), on every host of every run
 * that changes hosts, relayed to or not: a run killed with -9 cannot remove its own, and an
 * interrupted one may not reach a host. No live run of ours can be using them: it would hold the lock.
 *
 * <p>The command that takes a lock may also look at files the phases after it will read
 * ({@link #statesSeenAtLock}): read holding the lock, they stay true until this run changes that
 * host, so a converged re-run reads them in no command of their own (issue 22, P3).
 */
public final class TakeLock implements Phase {
    private final List<Host> hosts;
    private final HostLock lock;
    private final boolean forceUnlock;
    private final BiFunction<RunContext, Host, NodeProbes.Look> look;
    private final List<String> taken = new ArrayList<>();

    /**
     * What a lock command saw, holding the lock, and how many lasting changes this run had made on
     * the host by then.
     */
    public record SeenAtLock(NodeProbes.Seen seen, long changesBefore) {}

    public static final RunState.Key<SeenAtLock> SEEN = RunState.Key.of("seen-at-lock", SeenAtLock.class);

    /** Set on a host once this run, holding its lock, removed the relay credentials earlier runs left there (or found none). */
    public static final RunState.Key<Boolean> RELAY_SWEPT = RunState.Key.of("relay-swept", Boolean.class);

    public TakeLock(List<Host> hosts, HostLock lock, boolean forceUnlock) {
        this(hosts, lock, forceUnlock, (context, host) -> NodeProbes.Look.NOTHING);
    }

    /** @param look per host, the paths to look at in the command that takes its lock */
    public TakeLock(List<Host> hosts, HostLock lock, boolean forceUnlock, BiFunction<RunContext, Host, NodeProbes.Look> look) {
        this.hosts = hosts.stream().sorted(Comparator.comparing(Host::name)).toList();
        this.lock = lock;
        this.forceUnlock = forceUnlock;
        this.look = look;
    }

    /**
     * As {@link io.seedbootstrap.node.NodeFiles#states} of {@code paths} on {@code host}, from the
     * command that took its lock: when it looked at all of them and this run has changed nothing
     * on the host since (a change of ours may have written them; no other run's can, it would
     * hold the lock). Empty otherwise: then ask the host.
     */
    public static Optional<Map<String, NodeFiles.State>> statesSeenAtLock(RunContext context, Host host, Collection<String> paths) {
        return seenAtLock(context, host).flatMap(seen -> seen.states(paths));
    }

    /** As {@link io.seedbootstrap.node.Rke2Service#active} of {@code unit}, on the terms of {@link #statesSeenAtLock}. */
    public static Optional<Boolean> activeSeenAtLock(RunContext context, Host host, String unit) {
        return seenAtLock(context, host).flatMap(seen -> seen.active(unit));
    }

    /** As {@link io.seedbootstrap.node.NodeFiles#existing}, on the terms of {@link #statesSeenAtLock}. */
    public static Optional<List<String>> existingSeenAtLock(RunContext context, Host host, Collection<String> paths) {
        return seenAtLock(context, host).flatMap(seen -> seen.existing(paths));
    }

    /** What the lock's command saw on {@code host}, while this run has made no lasting change there since. */
    private static Optional<NodeProbes.Seen> seenAtLock(RunContext context, Host host) {
        return context.state().find(host.name(), SEEN)
                .filter(at -> at.changesBefore() == context.plan().lastingChangesOn(host.name()))
                .map(SeenAtLock::seen);
    }

    @Override
    public String title() {
        return "Take the host locks";
    }

    @Override
    public void run(RunContext context) {
        if (hosts.isEmpty()) {
            return;
        }
        take(context, hosts.get(0));
        context.hosts().parallel(hosts.subList(1, hosts.size()), Host::name, host -> {
            take(context, host);
            return null;
        });
        // holding every lock: one round on every host at once
        String runId = context.options().runId();
        context.hosts().parallel(hosts, Host::name, host -> {
            NodeSystem system = context.node(host).system();
            List<String> stale = system.relayLeftovers(runId);
            if (!stale.isEmpty()) {
                context.change(host.name(), "remove the relay credentials of earlier run(s) " + String.join(", ", stale)
                        + " (root's authorized_keys, " + Relay.RELAY_DIR + ")", () -> system.removeRelayLeftovers(runId));
            }
            context.state().put(host.name(), RELAY_SWEPT, true);
            return null;
        });
    }

    private void take(RunContext context, Host host) {
        NodeSystem system = context.node(host).system();
        if (context.dryRun()) {
            HostLock.read(system).ifPresent(holder -> context.reporter().warn(host.name(),
                    "locked by " + holder.describe() + "; a real run would " + (forceUnlock ? "force it" : "stop here")));
        }
        context.bookkeeping(host.name(), "take the host lock " + HostLock.FILE, () -> {
            try {
                HostLock.Taken took = lock.take(system, forceUnlock, look.apply(context, host));
                synchronized (taken) {
                    taken.add(host.name());
                }
                took.seen().ifPresent(seen -> context.state().put(host.name(), SEEN,
                        new SeenAtLock(seen, context.plan().lastingChangesOn(host.name()))));
                switch (took.outcome()) {
                    case TAKEN_OVER_DEAD -> context.reporter().warn(host.name(),
                            "took over the lock of an earlier run of this operator whose process is gone");
                    case FORCED -> context.reporter().warn(host.name(), "--force-unlock: took the lock from its holder");
                    default -> { }
                }
            } catch (HostLock.HeldException e) {
                throw new SeedException(ExitCode.UNEXPECTED_STATE, host.name() + ": locked by " + e.holder().describe()
                        + ". Wait for that run to end; if it is dead, re-run with --force-unlock");
            }
        });
    }

    /** Releases every lock this run took, whatever happened (also after a failure). */
    @Override
    public void cleanUp(RunContext context) {
        List<String> mine;
        synchronized (taken) {
            mine = List.copyOf(taken);
            taken.clear();
        }
        // all at once: the order of releases does not matter, only that of takes. After Ctrl-C too: the
        // interrupt is set aside while the locks are released (the wait for the hosts would end at once)
        boolean interrupted = Thread.interrupted();
        try {
            context.hosts().parallel(mine, host -> host, host -> {
                try {
                    lock.release(context.node(host).system());
                } catch (RuntimeException e) {
                    context.reporter().warn(host, "could not release the host lock (" + e.getMessage() + "); the next run of this operator "
                            + "takes it over, others need --force-unlock");
                }
                return null;
            });
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
