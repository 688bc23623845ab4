package io.seedbootstrap.phase.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostLockTest {
    @Test
    void theLockFileNamesItsHolderAndReadsBack() {
        HostLock lock = new HostLock("run-1", "laptop-7", 4242, Instant.parse("2026-11-27T06:00:00Z"), "install", pid -> true);
        HostLock.Holder holder = HostLock.parse(lock.content()).orElseThrow();
        assertEquals(new HostLock.Holder("run-1", "laptop-7", 4242, "2026-11-27T06:00:00Z", "install"), holder);
        assertEquals("run run-1 (install) from laptop-7, pid 4242, since 2026-11-27T06:00:00Z", holder.describe());
    }

    @Test
    void anEmptyOrDamagedLockIsReadSafely() {
        assertTrue(HostLock.parse("").isEmpty());
        assertEquals(-1, HostLock.parse("run=x\npid=abc\n").orElseThrow().pid());
    }
}
