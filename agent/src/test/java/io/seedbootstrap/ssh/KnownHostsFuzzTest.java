package io.seedbootstrap.ssh;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the known_hosts parser and matcher (plain, hashed, wildcard and
 * negated host patterns, markers, key blobs): entries and problems, never an exception.
 */
class KnownHostsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void knownHosts(byte[] input) {
        KnownHosts hosts = KnownHosts.parse(new String(input, StandardCharsets.UTF_8), "fuzz");
        for (String host : new String[] {"seed-1.example.internal", "10.0.0.11", "fe80::1"}) {
            for (KnownHosts.Entry entry : hosts.entriesFor(host, 22)) {
                entry.fingerprint();
                entry.sameKey(new byte[] {0, 0, 0, 7});
            }
            hosts.entriesFor(host, 2222);
        }
        hosts.problems().forEach(String::length);
    }
}
