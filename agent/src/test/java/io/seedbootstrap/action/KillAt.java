package io.seedbootstrap.action;

import io.seedbootstrap.testvm.TestMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kill -9 of a seed-bootstrap process (the jar, {@link SeedCluster#start}) at a chosen moment, for
 * the tests that show a re-run converges after it (InstallKillIT, UpgradeKillIT): as a phase
 * starts, as a line is printed, or while an upload is being staged on a host. SIGKILL: no
 * clean-up, no lock release, no shutdown hook.
 */
final class KillAt {
    /** How the phase runner announces a phase: {@code [3/21] Title}. */
    static final Pattern PHASE = Pattern.compile("^\\[(\\d+)/(\\d+)\\] (.*)$");

    private KillAt() {}

    /** What a kill waited for: the line that triggered it, or null with the run's whole output when it ended first. */
    record Seen(String line, String output) {
        boolean killed() {
            return line != null;
        }

        /** For a failure message: the end of the output of a run that ended before the kill. */
        String why() {
            List<String> lines = output.lines().toList();
            return "the run ended first; its output ended with:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    /** Reads the output until the phase whose title starts with {@code prefix} starts, then kill -9. */
    static Seen phaseStart(Process run, String prefix) throws IOException, InterruptedException {
        return line(run, l -> {
            Matcher m = PHASE.matcher(l);
            return m.matches() && m.group(3).startsWith(prefix);
        });
    }

    /** Reads the output until a line matches, then kill -9. */
    static Seen line(Process run, Predicate<String> when) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder all = new StringBuilder();
        String seen = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            all.append(line).append('\n');
            if (when.test(line)) {
                seen = line;
                run.destroyForcibly();
                break;
            }
        }
        run.waitFor(10, TimeUnit.SECONDS);
        return new Seen(seen, all.toString());
    }

    /** What {@link #midUpload} saw: the largest staged size when it killed, 0 if it never did, and why. */
    record Upload(long staged, String why) {}

    /**
     * kill -9 once a staged upload ({@code /var/lib/seed-bootstrap/staging/*.part}) on any of
     * {@code machines} has grown to {@code bytes}; the output is drained meanwhile (and its end
     * told in {@code why} when the run ended first, or {@code limit} passed).
     */
    static Upload midUpload(Process run, List<TestMachine> machines, long bytes, Duration limit) throws InterruptedException {
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> SeedCluster.output(run));
        AtomicLong staged = new AtomicLong();
        Instant deadline = Instant.now().plus(limit);
        // each machine watched by its own thread: the first copy may go to any of them (the relay's rounds)
        List<Thread> watchers = machines.stream().map(vm -> new Thread(() -> {
            while (staged.get() < bytes && Instant.now().isBefore(deadline) && run.isAlive()) {
                staged.accumulateAndGet(stagedBytes(vm), Math::max);
            }
        }, "watch-staging-" + vm.name())).toList();
        watchers.forEach(Thread::start);
        while (staged.get() < bytes && Instant.now().isBefore(deadline) && run.isAlive()) {
            Thread.sleep(20);
        }
        boolean alive = run.isAlive();
        boolean caught = staged.get() >= bytes && alive;
        run.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (Thread watcher : watchers) {
            watcher.join();
        }
        String out = output.join();
        String tail = String.join("\n", out.lines().skip(Math.max(0, out.lines().count() - 30)).toList());
        return new Upload(caught ? staged.get() : 0, caught ? "" : (alive ? "no staged upload reached " + bytes + " bytes within " + limit
                : "the run ended (exit " + run.exitValue() + ") with " + staged.get() + " bytes staged") + "; its output ended with:\n" + tail);
    }

    /** The largest staged upload left on {@code vm}, 0 when none. */
    static long stagedBytes(TestMachine vm) {
        String left = vm.sh("stat -c %s /var/lib/seed-bootstrap/staging/*.part 2>/dev/null | sort -n | tail -n1").stdout().strip();
        try {
            return left.isEmpty() ? 0 : Long.parseLong(left);
        } catch (NumberFormatException e) {
            throw new UncheckedIOException(new IOException("stat printed " + left));
        }
    }
}
