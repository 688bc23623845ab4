package io.seedbootstrap.phase;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs an action's phases in order: title and timing on stderr, {@code shouldRun} consulted
 * first, the first failure stops the run, and every phase that started gets its
 * {@code cleanUp} in reverse order. Connections are closed at the end either way.
 */
public final class PhaseRunner {
    /** What happened to one phase. */
    public record PhaseResult(String title, Outcome outcome, Duration took) {
        public enum Outcome { DONE, SKIPPED, FAILED, NOT_REACHED }
    }

    private final Clock clock;

    public PhaseRunner(Clock clock) {
        this.clock = clock;
    }

    /** Returns each phase's result; rethrows the first failure after clean-up. */
    public List<PhaseResult> run(List<Phase> phases, RunContext context) {
        List<PhaseResult> results = new ArrayList<>();
        Deque<Phase> started = new ArrayDeque<>();
        RuntimeException failure = null;
        try {
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                if (Thread.currentThread().isInterrupted()) {
                    throw new SeedException(ExitCode.INTERRUPTED, "interrupted before " + phase.title());
                }
                context.enterPhase(phase.title());
                context.reporter().phaseStarted(i + 1, phases.size(), phase.title());
                Instant begin = clock.instant();
                started.push(phase);
                try {
                    if (!phase.shouldRun(context)) {
                        Duration took = Duration.between(begin, clock.instant());
                        context.reporter().phaseFinished(phase.title(), took, true);
                        results.add(new PhaseResult(phase.title(), PhaseResult.Outcome.SKIPPED, took));
                        continue;
                    }
                    phase.run(context);
                    Duration took = Duration.between(begin, clock.instant());
                    context.reporter().phaseFinished(phase.title(), took, false);
                    results.add(new PhaseResult(phase.title(), PhaseResult.Outcome.DONE, took));
                } catch (RuntimeException e) {
                    results.add(new PhaseResult(phase.title(), PhaseResult.Outcome.FAILED, Duration.between(begin, clock.instant())));
                    for (int j = i + 1; j < phases.size(); j++) {
                        results.add(new PhaseResult(phases.get(j).title(), PhaseResult.Outcome.NOT_REACHED, Duration.ZERO));
                    }
                    failure = e;
                    throw e;
                }
            }
            return results;
        } finally {
            cleanUp(started, context, failure);
            context.closeConnections();
        }
    }

    private static void cleanUp(Deque<Phase> started, RunContext context, RuntimeException failure) {
        for (Phase phase : started) {
            try {
                phase.cleanUp(context);
            } catch (RuntimeException e) {
                // keep the original failure: it is the one the operator must act on
                context.reporter().warn(null, "clean-up of \"" + phase.title() + "\" failed: " + e.getMessage());
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
