package io.seedbootstrap.ssh;

import static io.seedbootstrap.ssh.KnownHostsTest.ECDSA;
import static io.seedbootstrap.ssh.KnownHostsTest.ECDSA_FP;
import static io.seedbootstrap.ssh.KnownHostsTest.ED25519;
import static io.seedbootstrap.ssh.KnownHostsTest.ED25519_FP;
import static io.seedbootstrap.ssh.KnownHostsTest.blob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyPolicyTest {
    @TempDir
    Path tmp;

    private HostKeyPolicy policy(String knownHosts, boolean acceptNew) throws IOException {
        Path f = Files.writeString(tmp.resolve("known_hosts"), knownHosts);
        return new HostKeyPolicy(new KnownHostsFile(f), acceptNew);
    }

    @Test
    void aRecordedKeyIsTrusted() throws IOException {
        HostKeyPolicy p = policy("[n1]:2222 ssh-ed25519 " + ED25519 + "\n", false);
        assertEquals(HostKeyPolicy.Outcome.TRUSTED, p.check("n1", "n1", 2222, null, blob(ED25519)).outcome());
        assertEquals(List.of("ssh-ed25519"), p.recordedKeyTypes("n1", 2222, null));
    }

    @Test
    void anUnknownKeyIsRefusedWithFingerprintFlagAndPin() throws IOException {
        HostKeyPolicy p = policy("other ssh-ed25519 " + ED25519 + "\n", false);
        HostKeyPolicy.Verdict v = p.check("n1", "10.0.0.1", 22, null, blob(ECDSA));
        assertEquals(HostKeyPolicy.Outcome.UNKNOWN, v.outcome());
        assertTrue(v.message().startsWith("UNKNOWN HOST KEY for n1 (10.0.0.1): ecdsa-sha2-nistp256 " + ECDSA_FP), v.message());
        assertTrue(v.message().contains("run again with --accept-new-host-keys to add it to " + tmp.resolve("known_hosts")), v.message());
        assertTrue(v.message().contains("hosts[].ssh.hostKey: " + ECDSA_FP), v.message());
        assertTrue(v.message().contains("/etc/ssh/ssh_host_ecdsa_key.pub"), v.message());
    }

    @Test
    void acceptNewAppendsOnceAndThenTrusts() throws IOException {
        HostKeyPolicy p = policy("# mine\nother ssh-ed25519 " + ED25519, true); // no newline at the end
        assertEquals(HostKeyPolicy.Outcome.ACCEPTED_NEW, p.check("n1", "10.0.0.1", 2222, null, blob(ECDSA)).outcome());
        assertEquals(HostKeyPolicy.Outcome.TRUSTED, p.check("n1", "10.0.0.1", 2222, null, blob(ECDSA)).outcome());
        assertEquals(List.of("# mine", "other ssh-ed25519 " + ED25519, "[10.0.0.1]:2222 ecdsa-sha2-nistp256 " + ECDSA),
                Files.readAllLines(tmp.resolve("known_hosts")));
    }

    @Test
    void aChangedKeyIsRefusedEvenWithAcceptNewNamingBothFingerprints() throws IOException {
        for (boolean accept : new boolean[] {false, true}) {
            HostKeyPolicy p = policy("n1 ssh-ed25519 " + ED25519 + "\n", accept);
            HostKeyPolicy.Verdict v = p.check("n1", "n1", 22, null, blob(ECDSA));
            assertEquals(HostKeyPolicy.Outcome.CHANGED, v.outcome());
            assertTrue(v.message().contains("known_hosts has ssh-ed25519 " + ED25519_FP), v.message());
            assertTrue(v.message().contains("presented ecdsa-sha2-nistp256 " + ECDSA_FP), v.message());
            assertEquals(accept, v.message().contains("never replaces a recorded key"), v.message());
            assertEquals("n1 ssh-ed25519 " + ED25519 + "\n", Files.readString(tmp.resolve("known_hosts")));
        }
    }

    @Test
    void aRevokedKeyIsRefusedEvenIfAlsoListedAsValid() throws IOException {
        HostKeyPolicy p = policy("n1 ssh-ed25519 " + ED25519 + "\n@revoked * ssh-ed25519 " + ED25519 + "\n", true);
        HostKeyPolicy.Verdict v = p.check("n1", "n1", 22, null, blob(ED25519));
        assertEquals(HostKeyPolicy.Outcome.REVOKED, v.outcome());
        assertTrue(v.message().contains("marked @revoked in " + tmp.resolve("known_hosts") + ":2"), v.message());
    }

    @Test
    void aPinDecidesAloneAndAMismatchNamesBoth() throws IOException {
        HostKeyPolicy p = policy("n1 ssh-ed25519 " + ED25519 + "\n", false);
        assertEquals(HostKeyPolicy.Outcome.TRUSTED, p.check("n1", "n1", 22, ECDSA_FP, blob(ECDSA)).outcome());
        HostKeyPolicy.Verdict v = p.check("n1", "n1", 22, ECDSA_FP, blob(ED25519));
        assertEquals(HostKeyPolicy.Outcome.CHANGED, v.outcome());
        assertTrue(v.message().contains("pins " + ECDSA_FP + " but the host presented ssh-ed25519 " + ED25519_FP), v.message());
        assertEquals(List.of(), p.recordedKeyTypes("n1", 22, ECDSA_FP));
    }

    @Test
    void aMissingKnownHostsFileIsEmpty() {
        HostKeyPolicy p = new HostKeyPolicy(new KnownHostsFile(tmp.resolve("none/known_hosts")), false);
        assertEquals(HostKeyPolicy.Outcome.UNKNOWN, p.check("n1", "n1", 22, null, blob(ED25519)).outcome());
    }
}
