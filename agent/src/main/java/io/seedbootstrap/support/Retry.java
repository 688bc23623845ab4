package io.seedbootstrap.support;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An explicit, time-bounded retry: the action runs until it succeeds, the deadline passes, or
 * it fails with an error that {@code retryable} rejects (those abort at once: a changed host
 * key, an authentication failure, a checksum mismatch never heal by trying again).
 */
public final class Retry {
    /** One attempt; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt);
    }

    /** Told before each new attempt (for a log line); never told about the last failure. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int nextAttempt, RuntimeException cause, Duration delay);
    }

    private final Duration budget;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Predicate<RuntimeException> retryable;
    private final RetryListener listener;

    private Retry(Duration budget, Duration firstDelay, Duration maxDelay,
            Predicate<RuntimeException> retryable, RetryListener listener) {
        this.budget = budget;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.retryable = retryable;
        this.listener = listener;
    }

    /** Retries for at most {@code budget}, starting at 1 s between attempts, doubling up to 10 s. */
    public static Retry within(Duration budget) {
        return new Retry(budget, Duration.ofSeconds(1), Duration.ofSeconds(10), e -> true, (n, e, d) -> {});
    }

    public Retry delays(Duration first, Duration max) {
        return new Retry(budget, first, max, retryable, listener);
    }

    public Retry retryIf(Predicate<RuntimeException> retryable) {
        return new Retry(budget, firstDelay, maxDelay, Objects.requireNonNull(retryable), listener);
    }

    public Retry onRetry(RetryListener listener) {
        return new Retry(budget, firstDelay, maxDelay, retryable, Objects.requireNonNull(listener));
    }

    public <T> T run(Attempt<T> action) {
        long deadline = System.nanoTime() + budget.toNanos();
        Duration delay = firstDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.run(attempt);
            } catch (RuntimeException e) {
                long left = deadline - System.nanoTime();
                if (!retryable.test(e) || left <= delay.toNanos()) {
                    throw e;
                }
                listener.retrying(attempt + 1, e, delay);
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SeedException(ExitCode.INTERRUPTED, "interrupted while waiting to retry", e);
                }
                delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
            }
        }
    }
}
