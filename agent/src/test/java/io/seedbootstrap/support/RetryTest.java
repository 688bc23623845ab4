package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    @Test
    void retriesUntilSuccessTellingTheListener() {
        List<Integer> told = new ArrayList<>();
        int result = Retry.within(Duration.ofSeconds(5)).delays(Duration.ofMillis(1), Duration.ofMillis(2))
                .onRetry((n, e, d) -> told.add(n))
                .run(attempt -> {
                    if (attempt < 3) {
                        throw new IllegalStateException("flaky");
                    }
                    return attempt;
                });
        assertEquals(3, result);
        assertEquals(List.of(2, 3), told);
    }

    @Test
    void anErrorThatCannotHealAbortsAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        SeedException e = assertThrows(SeedException.class, () -> Retry.within(Duration.ofSeconds(5))
                .delays(Duration.ofMillis(1), Duration.ofMillis(1))
                .retryIf(x -> !(x instanceof SeedException))
                .run(a -> {
                    calls.incrementAndGet();
                    throw SeedException.badInput("host key changed");
                }));
        assertEquals("host key changed", e.getMessage());
        assertEquals(1, calls.get());
    }

    @Test
    void theBudgetBoundsTheTime() {
        long t0 = System.nanoTime();
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> Retry.within(Duration.ofMillis(300))
                .delays(Duration.ofMillis(50), Duration.ofMillis(50))
                .run(a -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("down");
                }));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(true, ms < 1000, ms + " ms");
        assertEquals(true, calls.get() >= 3 && calls.get() <= 7, calls.get() + " calls");
    }
}
