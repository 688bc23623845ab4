package io.seedbootstrap.phase.common;

import io.seedbootstrap.host.Relay;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes the host lock on every host, one host after the other in name order: two runs against
 * overlapping hosts then meet on the same first host instead of each holding half. A refusal
 * releases what this run took (cleanUp) and names the holder.
 *
 * <p>Holding the lock, it removes relay credentials earlier runs left on the host (a line in
 * root's authorized_keys and one-hop keys: {@link Relay#leftovers}), on every host of every run
 * that changes hosts, relayed to or not: a run killed with -9 cannot remove its own, and an
 * interrupted one may not reach a host. No live run of ours can be using them: it would hold the lock.
 */
public final class TakeLock implements Phase {
    private final List<Host> hosts;
    private final HostLock lock;
    private final boolean forceUnlock;
    private final List<String> taken = new ArrayList<>();

    public TakeLock(List<Host> hosts, HostLock lock, boolean forceUnlock) {
        this.hosts = hosts.stream().sorted(Comparator.comparing(Host::name)).toList();
        this.lock = lock;
        this.forceUnlock = forceUnlock;
    }

    @Override
    public String title() {
        return "Take the host locks";
    }

    @Override
    public void run(RunContext context) {
        for (Host host : hosts) {
            NodeSystem system = context.node(host).system();
            if (context.dryRun()) {
                HostLock.read(system).ifPresent(holder -> context.reporter().warn(host.name(),
                        "locked by " + holder.describe() + "; a real run would " + (forceUnlock ? "force it" : "stop here")));
            }
            context.bookkeeping(host.name(), "take the host lock " + HostLock.FILE, () -> {
                try {
                    HostLock.Outcome outcome = lock.take(system, forceUnlock);
                    synchronized (taken) {
                        taken.add(host.name());
                    }
                    switch (outcome) {
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
        // the locks one host after the other (above), the rest on every host at once: a converged re-run
        // then waits one round trip here, not one per host (issue 22, P3)
        String runId = context.options().runId();
        context.hosts().parallel(hosts, Host::name, host -> {
            NodeSystem system = context.node(host).system();
            List<String> stale = system.relayLeftovers(runId);
            if (!stale.isEmpty()) {
                context.change(host.name(), "remove the relay credentials of earlier run(s) " + String.join(", ", stale)
                        + " (root's authorized_keys, " + Relay.RELAY_DIR + ")", () -> system.removeRelayLeftovers(runId));
            }
            return null;
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
