package io.seedbootstrap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostsTest {

    @Test
    void resultsComeBackInInputOrderAndTheConnectionLimitHolds() {
        Hosts hosts = new Hosts(new Hosts.Limits(2, 1));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Map<String, Integer> r = hosts.parallel(List.of("a", "bb", "ccc", "dddd", "eeeee"), s -> s, s -> {
            max.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(50);
            running.decrementAndGet();
            return s.length();
        });
        assertEquals(List.of("a", "bb", "ccc", "dddd", "eeeee"), List.copyOf(r.keySet()));
        assertEquals(List.of(1, 2, 3, 4, 5), List.copyOf(r.values()));
        assertEquals(2, max.get());
        assertEquals(1, hosts.uploadSlots().availablePermits());
    }

    @Test
    void everyFailureIsCollectedAndTheOthersStillRun() {
        Hosts hosts = new Hosts(Hosts.Limits.defaults());
        AtomicInteger done = new AtomicInteger();
        SeedException e = assertThrows(SeedException.class, () -> hosts.parallel(List.of("vm1", "vm2", "vm3"), s -> s, s -> {
            if (!s.equals("vm2")) {
                throw new SeedException(ExitCode.UNEXPECTED_STATE, s + ": host key changed\nsecond line");
            }
            done.incrementAndGet();
            return s;
        }));
        assertEquals(1, done.get());
        assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
        assertEquals("2 of 3 host(s) failed:\n  vm1: host key changed\n    second line\n  vm3: host key changed\n    second line",
                e.getMessage());
    }

    @Test
    void mixedExitCodesBecomeFailedAndBugsAreInternal() {
        Hosts hosts = new Hosts(Hosts.Limits.defaults());
        SeedException e = assertThrows(SeedException.class, () -> hosts.parallel(List.of("a", "b"), s -> s, s -> {
            if (s.equals("a")) {
                throw SeedException.badInput("bad");
            }
            throw new NullPointerException("oops");
        }));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("b: oops"), e.getMessage());
        SeedException bug = assertThrows(SeedException.class, () -> hosts.parallel(List.of("a"), s -> s, s -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(ExitCode.INTERNAL, bug.exitCode());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Hosts.Limits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Hosts.Limits(1, 0));
    }
}
