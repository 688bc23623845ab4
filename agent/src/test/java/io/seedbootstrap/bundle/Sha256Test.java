package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Sha256's helpers. */
class Sha256Test {
    @Test
    void hexIsTheKnownDigest() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
