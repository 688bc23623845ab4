package io.seedbootstrap.host;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The one way work runs on many hosts at once: a bounded pool (at most {@code connections}
 * hosts in flight), every host runs to its end even when others fail, and all failures come
 * back as one {@link SeedException} listing each host. A second, separate limit bounds how many
 * uploads send bytes at the same time ({@link #uploadSlots()}, given to each Upload as its gate),
 * since a few parallel streams already fill a link or the disks.
 */
public final class Hosts {

    /** @param connections hosts worked on at once; @param uploads transfers sending at once */
    public record Limits(int connections, int uploads) {
        public Limits {
            if (connections < 1 || uploads < 1) {
                throw new IllegalArgumentException("limits must be at least 1: " + connections + ", " + uploads);
            }
        }

        /**
         * 32 hosts at once: a seed of up to 32 hosts is worked on in one round (at 10, 20 hosts took
         * two rounds of every step; preflight at 20 test machines spent half its time waiting for
         * the second round). A host in flight costs a thread and a channel; bytes stay bounded by
         * {@code uploads}.
         */
        public static Limits defaults() {
            return new Limits(32, 3);
        }
    }

    /** Work for one host; may throw anything, it is collected. */
    @FunctionalInterface
    public interface Task<T, R> {
        R run(T host) throws Exception;
    }

    private final Limits limits;
    private final Semaphore uploadSlots;

    public Hosts(Limits limits) {
        this.limits = limits;
        this.uploadSlots = new Semaphore(limits.uploads(), true);
    }

    public Limits limits() {
        return limits;
    }

    /** Shared by every upload of this run: at most {@code limits.uploads()} send at once. */
    public Semaphore uploadSlots() {
        return uploadSlots;
    }

    /**
     * Runs {@code task} for every item, at most {@code limits.connections()} at a time, and
     * returns the results in input order. When any failed, throws one SeedException naming every
     * failed host (by {@code name}) with its message; its exit code is theirs when they agree.
     */
    public <T, R> Map<T, R> parallel(Collection<T> items, Function<T, String> name, Task<T, R> task) {
        if (items.isEmpty()) {
            return Map.of();
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(limits.connections(), items.size()), r -> {
            Thread t = new Thread(r, "hosts-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<T, Future<R>> futures = new LinkedHashMap<>();
            for (T item : items) {
                futures.put(item, pool.submit(() -> task.run(item)));
            }
            Map<T, R> results = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            List<ExitCode> codes = new ArrayList<>();
            for (Map.Entry<T, Future<R>> e : futures.entrySet()) {
                try {
                    results.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    String who = name.apply(e.getKey());
                    String msg = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                    failures.add(who + ": " + (msg.startsWith(who + ": ") ? msg.substring(who.length() + 2) : msg));
                    codes.add(cause instanceof SeedException se ? se.exitCode() : ExitCode.INTERNAL);
                }
            }
            if (!failures.isEmpty()) {
                ExitCode code = codes.stream().distinct().count() == 1 ? codes.get(0) : ExitCode.FAILED;
                StringBuilder report = new StringBuilder()
                        .append(failures.size()).append(" of ").append(items.size()).append(" host(s) failed:");
                for (String f : failures) {
                    report.append("\n  ").append(f.replace("\n", "\n    "));
                }
                throw new SeedException(code, report.toString());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(ExitCode.INTERRUPTED, "interrupted while working on " + items.size() + " hosts", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
