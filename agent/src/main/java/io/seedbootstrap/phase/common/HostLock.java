package io.seedbootstrap.phase.common;

import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.node.NodeSystem;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The host lock, {@code /var/lib/seed-bootstrap/lock} (docs/formats.md "On-host state"): created
 * atomically (noclobber) in a 0700 directory, holding who runs: run id, operator host, pid, start
 * time, command. Two runs against the same host cannot both hold it.
 *
 * @param runId        this run
 * @param operatorHost the machine seed-bootstrap runs on
 * @param pid          this process
 * @param command      what runs (install, restore...)
 * @param pidAlive     whether a pid of this operator host is still running (a dead one's lock can be taken over)
 */
public record HostLock(String runId, String operatorHost, long pid, Instant started, String command, LongPredicate pidAlive) {
    public static final String FILE = NodeSystem.LOCK_FILE;

    /** What a lock file says. */
    public record Holder(String runId, String operatorHost, long pid, String started, String command) {
        public String describe() {
            return "run " + runId + " (" + command + ") from " + operatorHost + ", pid " + pid + ", since " + started;
        }
    }

    /** How taking the lock went. */
    public enum Outcome { TAKEN, ALREADY_OURS, TAKEN_OVER_DEAD, FORCED }

    /** Thrown when another run holds the lock. */
    public static final class HeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;

        HeldException(Holder holder) {
            super(holder.describe());
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    String content() {
        return "run=" + runId + "\noperator=" + operatorHost + "\npid=" + pid + "\nstarted=" + started + "\ncommand=" + command + "\n";
    }

    /** Who holds the lock on a host, if anyone (read-only). */
    public static Optional<Holder> read(NodeSystem host) {
        return host.readLock().flatMap(HostLock::parse);
    }

    static Optional<Holder> parse(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        text.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        });
        long pid;
        try {
            pid = Long.parseLong(values.getOrDefault("pid", "-1"));
        } catch (NumberFormatException e) {
            pid = -1;
        }
        return Optional.of(new Holder(values.getOrDefault("run", "?"), values.getOrDefault("operator", "?"), pid,
                values.getOrDefault("started", "?"), values.getOrDefault("command", "?")));
    }

    /**
     * Takes the lock: atomically when free; over a lock of this same operator host whose process
     * is gone (kill -9, then re-run); over anything with {@code force}. Otherwise throws
     * {@link HeldException} naming the holder.
     */
    public Outcome take(NodeSystem host, boolean force) {
        return take(host, force, NodeProbes.Look.NOTHING).outcome();
    }

    /** How taking went and, when the lock was free, what the look saw holding it (NodeSystem#createLock). */
    public record Taken(Outcome outcome, Optional<NodeProbes.Seen> seen) {}

    /** {@link #take(NodeSystem, boolean)}, looking at {@code look} in the same command when the lock is free. */
    public Taken take(NodeSystem host, boolean force, NodeProbes.Look look) {
        NodeSystem.LockAttempt attempt = host.createLock(content(), look);
        if (attempt.heldBy().isEmpty()) {
            return new Taken(Outcome.TAKEN, attempt.seen());
        }
        Holder holder = parse(attempt.heldBy().get()).orElse(new Holder("?", "?", -1, "?", "?"));
        if (holder.runId().equals(runId)) {
            return new Taken(Outcome.ALREADY_OURS, Optional.empty());
        }
        boolean deadOwnProcess = holder.operatorHost().equals(operatorHost) && holder.pid() > 0 && !pidAlive.test(holder.pid());
        if (!deadOwnProcess && !force) {
            throw new HeldException(holder);
        }
        host.replaceLock(content());
        return new Taken(deadOwnProcess ? Outcome.TAKEN_OVER_DEAD : Outcome.FORCED, Optional.empty());
    }

    /** Removes the lock only if this run holds it. */
    public void release(NodeSystem host) {
        host.removeLock("run=" + runId);
    }

    static boolean sameHostPid(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** For this process. */
    public static HostLock forThisProcess(String runId, String operatorHost, String command, Instant now) {
        return new HostLock(runId, operatorHost, ProcessHandle.current().pid(), now, command, HostLock::sameHostPid);
    }
}
