package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The transport against real sshd test machines: host keys, auth, jump host, exec, limits. */
class RemoteHostIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(2).build();

    @TempDir
    Path tmp;

    private TestMachine vm1() {
        return machines.get(0);
    }

    private TestMachine vm2() {
        return machines.get(1);
    }

    // --- algorithms --------------------------------------------------------------------------

    /**
     * A second sshd on the machine, told to offer only one legacy algorithm in one list: the
     * connection is refused (not retried) with a message naming what the host offers and what
     * we accept. An sshd whose only host key is RSA still connects (rsa-sha2-512, not ssh-rsa).
     */
    @Test
    void aHostOfferingOnlyALegacyAlgorithmIsRefusedWithAClearMessage() {
        TestMachine m = vm2();
        m.sh("rm -f /root/legacy_dsa_key /root/legacy_dsa_key.pub && ssh-keygen -q -t dsa -N '' -f /root/legacy_dsa_key")
                .orThrow("dsa key");
        String rsaPin = Machines.fingerprints(m).get(m.hostKeys().stream().map(k -> k.split(" ")[0]).toList().indexOf("ssh-rsa"));
        String[][] cases = {
            {"-o KexAlgorithms=diffie-hellman-group1-sha1", "key exchange algorithm", "diffie-hellman-group1-sha1", "(KexAlgorithms)"},
            {"-o Ciphers=3des-cbc", "cipher", "3des-cbc", "(Ciphers)"},
            {"-o Ciphers=aes128-ctr -o MACs=hmac-md5", "MAC", "hmac-md5", "(MACs)"},
            {"-o HostKeyAlgorithms=ssh-rsa -h /etc/ssh/ssh_host_rsa_key", "host key algorithm", "ssh-rsa", "HostKeyAlgorithms"},
            {"-o HostKeyAlgorithms=ssh-dss -h /root/legacy_dsa_key", "host key algorithm", "ssh-dss", "HostKeyAlgorithms"},
        };
        for (String[] c : cases) {
            legacySshd(m, c[0]);
            try {
                SshTarget t = SshTarget.simple(m.name(), m.ip(), 2222, m.user(), m.privateKey(), m.knownHosts())
                        .withHostKey(rsaPin).withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
                SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(t, Machines.options(tmp)).close(), c[0]);
                assertEquals(SshFailure.Kind.ALGORITHMS, e.kind(), e.getMessage());
                assertFalse(e.retryable());
                assertEquals(io.seedbootstrap.support.ExitCode.UNEXPECTED_STATE, e.exitCode());
                assertTrue(e.getMessage().contains("it offers no " + c[1] + " seed-bootstrap accepts: the host offers " + c[2] + ";"),
                        c[0] + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(c[3]) && e.getMessage().contains("docs/ssh.md"), e.getMessage());
            } finally {
                m.sh("kill $(cat /run/sshd-legacy.pid) 2>/dev/null; rm -f /run/sshd-legacy.pid");
            }
        }
        // an RSA-only host: its key is used with SHA-2 signatures
        legacySshd(m, "-h /etc/ssh/ssh_host_rsa_key -o HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256");
        try {
            SshTarget t = SshTarget.simple(m.name(), m.ip(), 2222, m.user(), m.privateKey(), m.knownHosts())
                    .withHostKey(rsaPin).withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
            try (RemoteHost h = RemoteHost.connect(t, Machines.options(tmp))) {
                assertEquals("admin", h.exec("id", "-un").stdout().trim());
            }
        } finally {
            m.sh("kill $(cat /run/sshd-legacy.pid) 2>/dev/null; rm -f /run/sshd-legacy.pid /root/legacy_dsa_key /root/legacy_dsa_key.pub");
        }
    }

    private static void legacySshd(TestMachine m, String options) {
        m.sh("/usr/sbin/sshd -p 2222 -o PidFile=/run/sshd-legacy.pid " + options
                + " && for i in $(seq 50); do ss -ltn | grep -q ':2222 ' && break; sleep 0.1; done").orThrow("sshd " + options);
    }

    // --- exec --------------------------------------------------------------------------------

    @Test
    void execReturnsExitCodeAndBothStreamsReadConcurrently() {
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()), Machines.options(tmp))) {
            assertEquals("admin", h.exec("id", "-un").stdout().trim());
            // 4 MiB of stdout interleaved with 512 KiB of stderr: draining one stream after the
            // other would stall once the other's window is full
            ExecResult r = h.exec(RemoteCommand.shell("for i in $(seq 64); do head -c 65536 /dev/zero | tr '\\0' o;"
                    + " head -c 8192 /dev/zero | tr '\\0' e >&2; done; exit 3").allowFailure());
            assertEquals(3, r.exitCode());
            assertEquals(64 * 65536, r.stdout().length());
            assertEquals(64 * 8192, r.stderr().length());
            assertEquals("it's \"quoted\" $HOME `x`", h.exec("printf", "%s", "it's \"quoted\" $HOME `x`").stdout());
        }
    }

    /**
     * A download's channel takes larger packets than a command's (SshClients.DOWNLOAD_PACKET, set around
     * its start): the bytes arrive whole, and commands started on the same connection meanwhile still run.
     */
    @Test
    void aDownloadStreamsWholeWhileCommandsRunBesideIt() throws Exception {
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()), Machines.options(tmp))) {
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 300_000; i++) {
                expected.append(i).append('\n');
            }
            java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
            CompletableFuture<ExecResult> download = CompletableFuture.supplyAsync(
                    () -> h.download(RemoteCommand.shell("seq 1 300000"), sink));
            List<CompletableFuture<String>> beside = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String word = "beside-" + i;
                beside.add(CompletableFuture.supplyAsync(() -> h.exec("echo", word).stdout().trim()));
            }
            assertEquals(0, download.get().exitCode());
            assertEquals(expected.toString(), sink.toString(java.nio.charset.StandardCharsets.US_ASCII), "the download arrived whole");
            for (int i = 0; i < 4; i++) {
                assertEquals("beside-" + i, beside.get(i).get());
            }
            assertEquals(64 * 65536, h.exec(RemoteCommand.shell("head -c " + 64 * 65536 + " /dev/zero | tr '\\0' o")).stdout().length(),
                    "a command's output larger than its packets still arrives whole");
        }
    }

    @Test
    void aNonZeroExitThrowsNamingHostCommandCodeAndStderrTail() {
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()), Machines.options(tmp))) {
            SshFailure e = assertThrows(SshFailure.class,
                    () -> h.exec(RemoteCommand.shell("echo first >&2; echo 'last words' >&2; exit 7")));
            assertEquals(SshFailure.Kind.COMMAND, e.kind());
            assertTrue(e.getMessage().startsWith(vm1().name() + ": `echo first"), e.getMessage());
            assertTrue(e.getMessage().contains("exited 7"), e.getMessage());
            assertTrue(e.getMessage().contains("last words"), e.getMessage());
        }
    }

    @Test
    void aCommandPastItsTimeoutIsStopped() {
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()), Machines.options(tmp))) {
            long t0 = System.nanoTime();
            SshFailure e = assertThrows(SshFailure.class,
                    () -> h.exec(RemoteCommand.of("sleep", "47").timeout(Duration.ofSeconds(2))));
            assertEquals(SshFailure.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "took too long");
            // the connection is still usable afterwards
            assertEquals("ok", h.exec("echo", "ok").stdout().trim());
        }
    }

    @Test
    void channelsPerHostAreBoundedByMaxSessions() {
        SshTarget t = Machines.target(vm1());
        t = new SshTarget(t.name(), t.address(), t.port(), t.user(), t.identityFile(), null, t.knownHosts(), null,
                null, null, t.connectTimeout(), t.commandTimeout(), 2);
        try (RemoteHost h = RemoteHost.connect(t, Machines.options(tmp))) {
            long t0 = System.nanoTime();
            List<CompletableFuture<ExecResult>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(CompletableFuture.supplyAsync(() -> h.exec("sleep", "1")));
            }
            runs.forEach(CompletableFuture::join);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds >= 2.9, "6 x sleep 1 with 2 channels took only " + seconds + " s");
        }
    }

    // --- host keys ---------------------------------------------------------------------------

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndTheFlag() throws IOException {
        Path kh = Files.writeString(tmp.resolve("known_hosts"), "");
        SshFailure e = assertThrows(SshFailure.class,
                () -> RemoteHost.connect(Machines.target(vm1()).withKnownHosts(kh), Machines.options(tmp)));
        assertEquals(SshFailure.Kind.HOST_KEY_UNKNOWN, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("UNKNOWN HOST KEY for vm1 ([localhost]:" + vm1().sshPort() + ")"), m);
        assertTrue(m.contains("--accept-new-host-keys"), m);
        assertTrue(Machines.fingerprints(vm1()).stream().anyMatch(m::contains), m + " names none of " + Machines.fingerprints(vm1()));
        assertEquals("", Files.readString(kh), "known_hosts must not change");
    }

    @Test
    void acceptNewHostKeysRecordsTheRealKey() throws IOException {
        Path kh = tmp.resolve("new/known_hosts"); // folder and file do not exist yet
        SshOptions accept = Machines.options(tmp).withAcceptNewHostKeys(true);
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()).withKnownHosts(kh), accept)) {
            assertEquals("vm1", h.exec("hostname").stdout().trim());
        }
        List<String> lines = Files.readAllLines(kh);
        assertEquals(1, lines.size(), lines.toString());
        String[] f = lines.get(0).split(" ");
        assertEquals("[localhost]:" + vm1().sshPort(), f[0]);
        assertTrue(vm1().hostKeys().contains(f[1] + " " + f[2]), lines.get(0) + " is not one of vm1's real keys");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kh)));
        // from now on the key is known: a strict run connects, and nothing more is appended
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()).withKnownHosts(kh), Machines.options(tmp))) {
            assertEquals("vm1", h.exec("hostname").stdout().trim());
        }
        assertEquals(lines, Files.readAllLines(kh));
    }

    @Test
    void aChangedHostKeyIsAlwaysRefusedNamingOldAndNewFingerprints() throws IOException {
        // vm1's names with vm2's keys: what a man in the middle with his own keys looks like
        Path kh = Files.writeString(tmp.resolve("known_hosts"), vm2().hostKeys().stream()
                .map(k -> "[localhost]:" + vm1().sshPort() + " " + k).collect(Collectors.joining("\n", "", "\n")));
        String before = Files.readString(kh);
        for (boolean accept : new boolean[] {false, true}) {
            SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(
                    Machines.target(vm1()).withKnownHosts(kh), Machines.options(tmp).withAcceptNewHostKeys(accept)));
            assertEquals(SshFailure.Kind.HOST_KEY_CHANGED, e.kind());
            String m = e.getMessage();
            assertTrue(m.startsWith("HOST KEY CHANGED for vm1"), m);
            assertTrue(Machines.fingerprints(vm2()).stream().anyMatch(m::contains), "old (vm2's) fingerprint missing: " + m);
            assertTrue(Machines.fingerprints(vm1()).stream().anyMatch(m::contains), "new (vm1's) fingerprint missing: " + m);
            assertTrue(m.contains("ssh-keygen -R"), m);
        }
        assertEquals(before, Files.readString(kh), "known_hosts must not change");
    }

    @Test
    void hashedKnownHostsEntriesAreMatched() throws IOException {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        String name = KnownHosts.hashName("[localhost]:" + vm1().sshPort(), salt);
        Path kh = Files.writeString(tmp.resolve("known_hosts"), vm1().hostKeys().stream()
                .map(k -> name + " " + k).collect(Collectors.joining("\n", "# hashed like ssh-keygen -H\n", "\n")));
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm1()).withKnownHosts(kh), Machines.options(tmp))) {
            assertEquals("vm1", h.exec("hostname").stdout().trim());
        }
    }

    @Test
    void aPinnedFingerprintIsTrustedAndAWrongOneRefused() throws IOException {
        Path empty = Files.writeString(tmp.resolve("known_hosts"), "");
        SshTarget t = Machines.target(vm1()).withKnownHosts(empty);
        // every one of the host's keys works as a pin, not only the one offered first
        for (String pin : Machines.fingerprints(vm1())) {
            try (RemoteHost h = RemoteHost.connect(t.withHostKey(pin), Machines.options(tmp))) {
                assertEquals("vm1", h.exec("hostname").stdout().trim(), pin);
            }
        }
        String wrong = Machines.fingerprints(vm2()).get(0);
        SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(t.withHostKey(wrong), Machines.options(tmp)));
        assertEquals(SshFailure.Kind.HOST_KEY_CHANGED, e.kind());
        assertTrue(e.getMessage().contains("pins " + wrong), e.getMessage());
        assertTrue(Machines.fingerprints(vm1()).stream().anyMatch(e.getMessage()::contains), e.getMessage());
    }

    // --- jump host ---------------------------------------------------------------------------

    @Test
    void aJumpHostReachesASecondMachine() {
        SshTarget bastion = Machines.target(vm1());
        // vm2 as vm1 sees it: its private address, port 22 (known_hosts names it by IP too)
        SshTarget inner = Machines.target(vm2()).withAddress(vm2().ip(), 22).withJump(bastion);
        try (RemoteHost h = RemoteHost.connect(inner, Machines.options(tmp))) {
            assertEquals("vm2", h.exec("hostname").stdout().trim());
            String from = h.exec(RemoteCommand.shell("echo $SSH_CONNECTION")).stdout().trim().split(" ")[0];
            assertEquals(vm1().ip(), from, "the session must come from the jump host");
        }
    }

    @Test
    void theJumpHostsOwnKeyIsVerifiedToo() {
        SshTarget bastion = Machines.target(vm1()).withHostKey(Machines.fingerprints(vm2()).get(0));
        SshTarget inner = Machines.target(vm2()).withAddress(vm2().ip(), 22).withJump(bastion);
        SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(inner, Machines.options(tmp)));
        assertEquals(SshFailure.Kind.HOST_KEY_CHANGED, e.kind());
    }

    // --- auth --------------------------------------------------------------------------------

    @Test
    void aKeyWithAPassphraseFromASecretWorksAndAWrongOneIsNamedWithoutTheValue() throws Exception {
        Path key = tmp.resolve("id_pass");
        String passphrase = "pp-" + java.util.UUID.randomUUID();
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        String pub = Files.readString(tmp.resolve("id_pass.pub")).trim();
        vm1().sh("echo '" + pub + "' >> /home/admin/.ssh/authorized_keys").orThrow("add key");
        SshTarget t = Machines.target(vm1());
        SshTarget withKey = new SshTarget(t.name(), t.address(), t.port(), t.user(), key,
                Secret.fromEnv(passphrase, "TEST_PASSPHRASE"), t.knownHosts(), null, null, null,
                t.connectTimeout(), t.commandTimeout(), 4);
        try (RemoteHost h = RemoteHost.connect(withKey, Machines.options(tmp))) {
            assertEquals("admin", h.exec("id", "-un").stdout().trim());
        }
        SshTarget wrong = new SshTarget(t.name(), t.address(), t.port(), t.user(), key,
                Secret.fromEnv("not-" + passphrase, "TEST_PASSPHRASE"), t.knownHosts(), null, null, null,
                t.connectTimeout(), t.commandTimeout(), 4);
        SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(wrong, Machines.options(tmp)));
        assertEquals(SshFailure.Kind.KEY_FILE, e.kind());
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertFalse(e.getMessage().contains(passphrase), e.getMessage());
    }

    @Test
    void aKeyTheHostDoesNotKnowFailsAuthenticationClearly() throws Exception {
        Path key = tmp.resolve("id_other");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        SshTarget t = Machines.target(vm1());
        SshTarget other = new SshTarget(t.name(), t.address(), t.port(), t.user(), key, null, t.knownHosts(), null,
                null, null, t.connectTimeout(), t.commandTimeout(), 4);
        SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(other, Machines.options(tmp)));
        assertEquals(SshFailure.Kind.AUTH, e.kind());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("authentication failed for vm1 (admin@"), e.getMessage());
    }

    @Test
    void aHostThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws IOException {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", vm1().sshPort())) {
            proxy.freeze(); // TCP connects, but no SSH banner ever arrives
            SshTarget t = Machines.target(vm1()).withAddress("127.0.0.1", proxy.port())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(t, Machines.options(tmp)));
            double s = (System.nanoTime() - t0) / 1e9;
            assertEquals(SshFailure.Kind.CONNECT, e.kind(), e.getMessage());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().startsWith("cannot connect to vm1 (admin@127.0.0.1:" + proxy.port() + ")"), e.getMessage());
            assertTrue(s >= 2.5 && s < 10, "gave up after " + s + " s");
        }
    }

    // --- dead peer ---------------------------------------------------------------------------

    @Test
    void keepaliveDetectsAPeerThatStopsAnswering() throws IOException {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", vm1().sshPort())) {
            SshTarget t = Machines.target(vm1()).withAddress("127.0.0.1", proxy.port())
                    .withHostKey(Machines.fingerprints(vm1()).get(0));
            try (RemoteHost h = RemoteHost.connect(t, Machines.options(tmp))) {
                assertEquals("vm1", h.exec("hostname").stdout().trim());
                CompletableFuture<ExecResult> longRun = CompletableFuture.supplyAsync(
                        () -> h.exec(RemoteCommand.of("sleep", "50").timeout(Duration.ofSeconds(55))));
                sleep(1000);
                long t0 = System.nanoTime();
                proxy.freeze();
                Exception e = assertThrows(Exception.class, longRun::join);
                double s = (System.nanoTime() - t0) / 1e9;
                assertTrue(e.getCause() instanceof SshFailure f && f.kind() == SshFailure.Kind.DISCONNECTED, String.valueOf(e.getCause()));
                // keepalive every 2 s, 3 missed: dead after ~6-8 s, far before the 50 s command ends
                assertTrue(s < 20, "dead peer noticed after " + s + " s");
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
