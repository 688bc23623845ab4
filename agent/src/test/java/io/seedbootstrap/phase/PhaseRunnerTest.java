package io.seedbootstrap.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseRunnerTest {
    @TempDir
    Path dir;

    private final StringWriter stderr = new StringWriter();
    private final List<String> events = new ArrayList<>();

    private RunContext context(boolean dryRun, Redactor redactor) {
        Reporter reporter = new Reporter(new PrintWriter(stderr, true), dir.resolve("logs/run.log"), redactor, false, Clock.systemUTC());
        return new RunContext(new RunOptions(dryRun, dir.resolve("logs/run.log"), Duration.ofSeconds(5), "test.run"), null,
                new Hosts(Hosts.Limits.defaults()), reporter);
    }

    /** A phase that changes something on a host through the door, and says so in events. */
    private Phase writing(String title, String host, String what, AtomicInteger applied) {
        return new Phase() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(RunContext context) {
                events.add("run " + title);
                context.change(host, what, applied::incrementAndGet);
            }

            @Override
            public void cleanUp(RunContext context) {
                events.add("clean " + title);
            }
        };
    }

    @Test
    void dryRunRecordsEveryChangeAndMakesNone() {
        AtomicInteger applied = new AtomicInteger();
        RunContext context = context(true, Redactor.none());
        new PhaseRunner(Clock.systemUTC()).run(List.of(
                writing("Write config", "vm1", "write /etc/rancher/rke2/config.yaml (0600)", applied),
                writing("Start server", "vm1", "start rke2-server.service", applied),
                writing("Join agent", "vm2", "start rke2-agent.service", applied)), context);
        assertEquals(0, applied.get(), "a dry run changes nothing");
        assertEquals(List.of("run Write config", "run Start server", "run Join agent", "clean Join agent", "clean Start server",
                "clean Write config"), events);
        assertEquals(3, context.plan().changes().size());
        assertTrue(context.plan().changes().stream().allMatch(c -> c.status() == PlannedChange.Status.PLANNED));
        String rendered = context.plan().render();
        assertTrue(rendered.contains("vm1 (2 changes)\n  + write /etc/rancher/rke2/config.yaml (0600)   [Write config]"), rendered);
        assertTrue(rendered.contains("vm2 (1 change)\n  + start rke2-agent.service   [Join agent]"), rendered);
    }

    @Test
    void realRunAppliesChangesAndRecordsThemDone() {
        AtomicInteger applied = new AtomicInteger();
        RunContext context = context(false, Redactor.none());
        List<PhaseRunner.PhaseResult> results = new PhaseRunner(Clock.systemUTC()).run(List.of(
                writing("One", "vm1", "a", applied), writing("Two", "vm1", "b", applied)), context);
        assertEquals(2, applied.get());
        assertTrue(results.stream().allMatch(r -> r.outcome() == PhaseRunner.PhaseResult.Outcome.DONE));
        assertTrue(context.plan().changes().stream().allMatch(c -> c.status() == PlannedChange.Status.DONE));
        assertTrue(stderr.toString().contains("[1/2] One"), stderr.toString());
        assertTrue(stderr.toString().contains("[2/2] Two"), stderr.toString());
    }

    @Test
    void aConvergedPhaseIsSkippedWithoutRunning() {
        AtomicInteger applied = new AtomicInteger();
        Phase converged = new Phase() {
            @Override
            public String title() {
                return "Already there";
            }

            @Override
            public boolean shouldRun(RunContext context) {
                return false;
            }

            @Override
            public void run(RunContext context) {
                context.change("vm1", "must not happen", applied::incrementAndGet);
            }
        };
        List<PhaseRunner.PhaseResult> results = new PhaseRunner(Clock.systemUTC()).run(List.of(converged), context(false, Redactor.none()));
        assertEquals(0, applied.get());
        assertEquals(PhaseRunner.PhaseResult.Outcome.SKIPPED, results.get(0).outcome());
        assertTrue(stderr.toString().contains("Already there: nothing to do"), stderr.toString());
    }

    @Test
    void aFailureStopsTheRunCleansUpInReverseAndIsRecorded() {
        AtomicInteger applied = new AtomicInteger();
        Phase failing = new Phase() {
            @Override
            public String title() {
                return "Break";
            }

            @Override
            public void run(RunContext context) {
                events.add("run Break");
                context.change("vm1", "restart a service", () -> {
                    throw new java.io.IOException("connection reset");
                });
            }

            @Override
            public void cleanUp(RunContext context) {
                events.add("clean Break");
            }
        };
        RunContext context = context(false, Redactor.none());
        SeedException error = assertThrows(SeedException.class, () -> new PhaseRunner(Clock.systemUTC()).run(List.of(
                writing("Lock", "vm1", "take the lock", applied), failing, writing("Never", "vm1", "x", applied)), context));
        assertEquals("vm1: restart a service failed: connection reset", error.getMessage());
        assertEquals(List.of("run Lock", "run Break", "clean Break", "clean Lock"), events);
        assertEquals(PlannedChange.Status.FAILED, context.plan().changes().get(1).status());
        assertEquals(1, applied.get());
    }

    @Test
    void secretsNeverReachStderrOrTheLogFile() throws Exception {
        Secret token = Secret.literal("K10abcdef::server:very-secret-password");
        RunContext context = context(false, Redactor.of(token));
        context.reporter().info("vm1", "joining with " + token.reveal());
        context.reporter().debug("vm1", "config has token: " + token.reveal());
        context.reporter().close();
        Path log = dir.resolve("logs/run.log");
        String logText = Files.readString(log);
        assertFalse(stderr.toString().contains("very-secret-password"), stderr.toString());
        assertFalse(logText.contains("very-secret-password"), logText);
        assertTrue(logText.contains("DEBUG vm1: config has token: " + Secret.REDACTED), logText);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }
}
