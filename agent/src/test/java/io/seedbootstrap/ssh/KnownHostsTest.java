package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownHostsTest {
    // made with ssh-keygen (OpenSSH 9.2): two keys, then `ssh-keygen -H` on a copy of the file
    static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAINCUkqzwso0ZNOBP3sSMCmEkuZ+EcAKkbswUE3LY9wNo";
    static final String ED25519_FP = "SHA256:tGJiaLcO/0FjSKsQOX3d9jGaC/YhHTao9uM8KkUPWbY";
    static final String ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIP4/Voh/NRcp4A0l8NnOg7r+3v7zM/M6icC+e7BfCEhbFLnyyCq1gXZP0m5TpJcUu4/XM1k/TIu0ZJiQb5AGlA=";
    static final String ECDSA_FP = "SHA256:5QtNCMqeAuqeGSZjLbc6jbArY1Yvardi5LGb13z+T2I";
    static final String HASHED = String.join("\n",
            "|1|VmJ+dk+k5FIVnLbY+lWUa1hZ+ek=|wn1bb5eogK7TO3X08ROm6M9SYeY= ssh-ed25519 " + ED25519,
            "|1|bQ73rFJRtn+IKygT0tIogMejphM=|U72yLdYrWZu73x7RKKsnIyqbfgE= ecdsa-sha2-nistp256 " + ECDSA,
            "|1|V10z56v/cfaUI3swuUpOzeSHd2U=|7swuEAtiPTMmhHIh8bwO8DTUBkc= ecdsa-sha2-nistp256 " + ECDSA);

    static byte[] blob(String b64) {
        return Base64.getDecoder().decode(b64);
    }

    @Test
    void manyStarsInAPatternMatchInLinearTime() {
        String stars = "*a".repeat(40) + "*b";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> {
            assertFalse(KnownHosts.matchHostList(stars, "seed-1.example.internal.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
            assertTrue(KnownHosts.matchHostList(stars, "a".repeat(41) + "b"));
        });
        assertTrue(KnownHosts.matchHostList("*.example.internal", "seed-1.example.internal"));
        assertTrue(KnownHosts.matchHostList("seed-?.ex*ple.*", "seed-1.example.internal"));
        assertTrue(KnownHosts.matchHostList("*", ""));
        assertFalse(KnownHosts.matchHostList("seed-?", "seed-10"));
        assertFalse(KnownHosts.matchHostList("*x", "seed"));
        assertTrue(KnownHosts.matchHostList("**a**", "banana"));
    }

    @Test
    void fingerprintsAreTheOnesSshKeygenPrints() {
        assertEquals(ED25519_FP, Fingerprints.sha256(blob(ED25519)));
        assertEquals(ECDSA_FP, Fingerprints.sha256(blob(ECDSA)));
        assertTrue(Fingerprints.same(ED25519_FP, "sha256:" + ED25519_FP.substring(7) + "="));
        assertFalse(Fingerprints.same(ED25519_FP, ECDSA_FP));
    }

    @Test
    void hashedEntriesFromSshKeygenMatchTheirNamesOnly() {
        KnownHosts kh = KnownHosts.parse(HASHED, "kh");
        assertEquals(3, kh.entries().size());
        assertEquals(List.of("ssh-ed25519"), kh.entriesFor("seed.example", 2222).stream().map(KnownHosts.Entry::keyType).toList());
        assertTrue(kh.entriesFor("seed.example", 22).isEmpty(), "port 22 is a different name");
        assertEquals(1, kh.entriesFor("node1.example", 22).size());
        assertEquals(1, kh.entriesFor("10.0.0.5", 22).size());
        assertEquals(1, kh.entriesFor("NODE1.example", 22).size(), "host names are case-insensitive");
        assertTrue(kh.entriesFor("node2.example", 22).isEmpty());
        assertTrue(kh.entriesFor("10.0.0.5", 2222).isEmpty());
    }

    @Test
    void hashNameWritesWhatMatchHashedReads() {
        byte[] salt = new byte[20];
        salt[3] = 7;
        String field = KnownHosts.hashName("[h]:2200", salt);
        assertTrue(KnownHosts.matchHashed(field, "[h]:2200"));
        assertFalse(KnownHosts.matchHashed(field, "h"));
        assertFalse(KnownHosts.matchHashed("|2|abc|def", "h"));
        assertFalse(KnownHosts.matchHashed("|1|not base64!|x", "h"));
    }

    @Test
    void bracketedPortsPatternsAndNegation() {
        KnownHosts kh = KnownHosts.parse(String.join("\n",
                "# comment",
                "",
                "[10.1.2.3]:2222,[bastion.example]:2222 ssh-ed25519 " + ED25519 + " comment with spaces",
                "*.prod.example,!db?.prod.example ecdsa-sha2-nistp256 " + ECDSA,
                "192.168.1.* ssh-ed25519 " + ED25519), "kh");
        assertEquals(3, kh.entries().size());
        assertEquals(3, kh.entries().get(0).line());
        assertEquals(1, kh.entriesFor("10.1.2.3", 2222).size());
        assertEquals(1, kh.entriesFor("bastion.example", 2222).size());
        assertTrue(kh.entriesFor("10.1.2.3", 22).isEmpty());
        assertEquals(1, kh.entriesFor("web1.prod.example", 22).size());
        assertTrue(kh.entriesFor("db1.prod.example", 22).isEmpty(), "negated pattern wins");
        assertEquals(1, kh.entriesFor("db10.prod.example", 22).size(), "? is exactly one character");
        assertEquals(1, kh.entriesFor("192.168.1.77", 22).size());
        assertTrue(kh.entriesFor("192.168.2.77", 22).isEmpty());
    }

    @Test
    void markersAreParsed() {
        KnownHosts kh = KnownHosts.parse(String.join("\n",
                "@revoked * ssh-ed25519 " + ED25519,
                "@cert-authority *.example ecdsa-sha2-nistp256 " + ECDSA,
                "@bogus h ssh-ed25519 " + ED25519), "kh");
        assertEquals(2, kh.entries().size());
        assertEquals(KnownHosts.Marker.REVOKED, kh.entries().get(0).marker());
        assertEquals(KnownHosts.Marker.CERT_AUTHORITY, kh.entries().get(1).marker());
        assertEquals(List.of("kh:3: unknown marker @bogus"), kh.problems());
    }

    @Test
    void badLinesAreReportedAndNeverMatch() {
        KnownHosts kh = KnownHosts.parse(String.join("\n",
                "h1 ssh-ed25519",
                "h2 ssh-ed25519 !!notbase64!!",
                "h3 ssh-rsa " + ED25519,
                "h4 1024 65537 12345"), "kh");
        assertTrue(kh.entries().isEmpty());
        assertEquals(4, kh.problems().size(), kh.problems().toString());
        assertTrue(kh.problems().get(2).contains("does not match the key data (ssh-ed25519)"), kh.problems().get(2));
    }

    @Test
    void linesAreWrittenAsOpenSshWritesThem() {
        assertEquals("[10.0.0.1]:2222 ssh-ed25519 " + ED25519, KnownHosts.line("10.0.0.1", 2222, blob(ED25519)));
        assertEquals("node1 ssh-ed25519 " + ED25519, KnownHosts.line("Node1", 22, blob(ED25519)));
        assertEquals("[fe80::1]:2222", KnownHosts.lookupName("[fe80::1]", 2222));
    }
}
