package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Sha256's helpers; the warm-up bundle verify starts beside its signature check (P4) must end, by itself or when told. */
class Sha256Test {
    @Test
    void hexIsTheKnownDigest() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theWarmUpStopsWhenInterruptedAndByItself() throws Exception {
        Thread endless = Sha256.warmUp(Long.MAX_VALUE);
        assertTrue(endless.isDaemon(), "never keeps the JVM alive");
        endless.interrupt();
        endless.join(60_000);
        assertFalse(endless.isAlive(), "stops when interrupted");

        Thread bounded = Sha256.warmUp(1 << 20);
        bounded.join(60_000);
        assertFalse(bounded.isAlive(), "stops after its bytes");
    }
}
