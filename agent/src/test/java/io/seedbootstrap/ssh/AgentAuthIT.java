package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins with keys held by a real OpenSSH ssh-agent (started here, filled with ssh-add), with no
 * identityFile: Ed25519, ECDSA and RSA (rsa-sha2-512 and rsa-sha2-256, each on an sshd that
 * accepts only that one), through the jump host too, and the errors of an agent without keys and
 * of no agent at all. The user {@value #USER} exists only for this test and authorizes only the
 * agent's keys, so no other key on this machine can be what logged in; sshd's own log names the
 * key it accepted.
 */
class AgentAuthIT {
    private static final String USER = "agentuser";

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(2).build();

    @TempDir
    static Path dir;

    private static Process agent;
    private static Path socket;
    private static final List<String> KEY_TYPES = List.of("ed25519", "ecdsa", "rsa");

    @TempDir
    Path tmp;

    @BeforeAll
    static void startAgentAndAuthorizeItsKeys() throws Exception {
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "ssh-agent (Debian: openssh-client) did not start: "
                + Files.readString(dir.resolve("agent.log")));
        StringBuilder authorized = new StringBuilder();
        for (String type : KEY_TYPES) {
            run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "agent-" + type, "-f", key(type).toString());
            authorized.append(Files.readString(Path.of(key(type) + ".pub")));
        }
        for (TestMachine m : List.of(machines.get(0), machines.get(1))) {
            m.sh("id " + USER + " >/dev/null 2>&1 || useradd -m -s /bin/sh " + USER + "\n"
                    + "install -d -m 0700 -o " + USER + " -g " + USER + " /home/" + USER + "/.ssh\n"
                    + "printf '%s' '" + authorized + "' > /home/" + USER + "/.ssh/authorized_keys\n"
                    + "chown " + USER + ": /home/" + USER + "/.ssh/authorized_keys; chmod 0600 /home/" + USER + "/.ssh/authorized_keys")
                    .orThrow("authorize the agent's keys");
        }
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) {
            agent.destroy();
        }
    }

    @BeforeEach
    void emptyAgent() throws Exception {
        run("ssh-add", "-D");
    }

    private static Path key(String type) {
        return dir.resolve("id_" + type);
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }

    /** SHA256:... of a public key file, as sshd logs it. */
    private static String fingerprint(String type) throws Exception {
        return run("ssh-keygen", "-l", "-E", "sha256", "-f", key(type) + ".pub").split(" ")[1];
    }

    private static SshTarget agentTarget(TestMachine m, int port) {
        return SshTarget.simple(m.name(), m.ip(), port, USER, null, m.knownHosts())
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
    }

    private SshOptions agentOptions() {
        return Machines.options(tmp).withAgentSocket(socket);
    }

    /** The key sshd last accepted for {@value #USER} (its log line), checked to be this one. */
    private static void assertLoggedInWith(TestMachine m, String type) throws Exception {
        String fp = fingerprint(type);
        String log = m.sh("journalctl --no-pager -o cat -t sshd -t sshd-session | grep 'Accepted publickey for " + USER + "' | tail -n 1").stdout();
        assertTrue(log.contains(fp), "sshd should have accepted " + type + " key " + fp + ": " + log);
    }

    @Test
    void eachKeyTypeInTheAgentLogsIn() throws Exception {
        TestMachine m = machines.get(0);
        for (String type : KEY_TYPES) {
            run("ssh-add", "-D");
            run("ssh-add", key(type).toString());
            try (RemoteHost h = RemoteHost.connect(agentTarget(m, 22), agentOptions())) {
                assertEquals(USER, h.exec("id", "-un").stdout().trim(), type);
            }
            assertLoggedInWith(m, type);
        }
    }

    /**
     * An RSA key from the agent signs with SHA-2: an sshd accepting only rsa-sha2-512, then one
     * accepting only rsa-sha2-256 (we offer 512 first, it is refused, 256 follows), lets it in;
     * the agent made each signature with the flag asked for (sshd checks the algorithm).
     */
    @Test
    void rsaKeysSignWithRsaSha2FiveTwelveAndTwoFiftySix() throws Exception {
        TestMachine m = machines.get(1);
        run("ssh-add", key("rsa").toString());
        for (String algorithm : List.of("rsa-sha2-512", "rsa-sha2-256")) {
            m.sh("/usr/sbin/sshd -p 2223 -o PidFile=/run/sshd-agent.pid -o PubkeyAcceptedAlgorithms=" + algorithm
                    + " && for i in $(seq 50); do ss -ltn | grep -q ':2223 ' && break; sleep 0.1; done").orThrow("sshd " + algorithm);
            try {
                SshTarget t = agentTarget(m, 2223).withHostKey(Machines.fingerprints(m).get(0));
                try (RemoteHost h = RemoteHost.connect(t, agentOptions())) {
                    assertEquals(USER, h.exec("id", "-un").stdout().trim(), algorithm);
                }
            } finally {
                m.sh("kill $(cat /run/sshd-agent.pid) 2>/dev/null; rm -f /run/sshd-agent.pid");
            }
        }
        // and one that accepts no RSA at all refuses it: the algorithm restriction is real
        m.sh("/usr/sbin/sshd -p 2223 -o PidFile=/run/sshd-agent.pid -o PubkeyAcceptedAlgorithms=ssh-ed25519"
                + " && for i in $(seq 50); do ss -ltn | grep -q ':2223 ' && break; sleep 0.1; done").orThrow("sshd ed25519 only");
        try {
            SshTarget t = agentTarget(m, 2223).withHostKey(Machines.fingerprints(m).get(0));
            SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(t, agentOptions()).close());
            assertEquals(SshFailure.Kind.AUTH, e.kind(), e.getMessage());
        } finally {
            m.sh("kill $(cat /run/sshd-agent.pid) 2>/dev/null; rm -f /run/sshd-agent.pid");
        }
    }

    @Test
    void theAgentLogsInToTheJumpHostAndThroughIt() throws Exception {
        TestMachine bastion = machines.get(0);
        TestMachine inner = machines.get(1);
        run("ssh-add", key("ecdsa").toString());
        SshTarget t = agentTarget(inner, 22).withJump(agentTarget(bastion, 22));
        try (RemoteHost h = RemoteHost.connect(t, agentOptions())) {
            assertEquals(USER, h.exec("id", "-un").stdout().trim());
            String from = h.exec(RemoteCommand.shell("echo ${SSH_CLIENT%% *}")).stdout().trim();
            assertEquals(bastion.ip(), from, "the session must come through the jump host");
        }
        assertLoggedInWith(bastion, "ecdsa");
        assertLoggedInWith(inner, "ecdsa");
    }

    @Test
    void anAgentWithoutKeysIsOneClearError() {
        TestMachine m = machines.get(0);
        SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(agentTarget(m, 22), agentOptions()).close());
        assertEquals(SshFailure.Kind.AUTH, e.kind(), e.getMessage());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains(m.name()) && e.getMessage().contains("holds no key")
                && e.getMessage().contains(socket.toString()), e.getMessage());
    }

    @Test
    void noAgentAndNoIdentityFileIsOneClearError() {
        TestMachine m = machines.get(0);
        List<Path> defaults = new ArrayList<>();
        for (String f : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
            defaults.add(Path.of(System.getProperty("user.home"), ".ssh", f));
        }
        SshFailure e = assertThrows(SshFailure.class,
                () -> RemoteHost.connect(agentTarget(m, 22), Machines.options(tmp).withAgentSocket(null)).close());
        assertEquals(SshFailure.Kind.AUTH, e.kind(), e.getMessage());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(m.name()), e.getMessage());
        if (defaults.stream().noneMatch(Files::isRegularFile)) {
            assertTrue(e.getMessage().contains("SSH_AUTH_SOCK is not set") && e.getMessage().contains("ssh.identityFile")
                    && e.getMessage().contains("ssh-add"), e.getMessage());
        }
        // an agent socket nobody listens on is named as such
        Path dead = tmp.resolve("gone.sock");
        SshFailure gone = assertThrows(SshFailure.class,
                () -> RemoteHost.connect(agentTarget(m, 22), Machines.options(tmp).withAgentSocket(dead)).close());
        assertEquals(SshFailure.Kind.AUTH, gone.kind(), gone.getMessage());
        assertTrue(gone.getMessage().contains("no ssh-agent answers at SSH_AUTH_SOCK=" + dead), gone.getMessage());
    }
}
