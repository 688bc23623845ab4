package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The local transport runs real processes on this machine, with RemoteHost's guarantees. Sudo
 * (with and without a password) and uploads as a non-root user are proven inside a test machine
 * (SeedNodeIT), where they cannot touch the build machine.
 */
class LocalHostTest {
    private final LocalHost host = new LocalHost("here", null, Duration.ofSeconds(20), 4, HashCache.inMemory());

    @AfterEach
    void close() {
        host.close();
    }

    @Test
    void aCommandsOutputErrorsAndExitCodeComeBackAsOverSsh() {
        ExecResult r = host.exec(RemoteCommand.shell("echo out; echo err >&2; exit 3").allowFailure());
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertEquals("here", r.host());
        SshFailure e = assertThrows(SshFailure.class, () -> host.exec(RemoteCommand.shell("echo broken >&2; exit 4")));
        assertTrue(e.getMessage().startsWith("here: `echo broken >&2; exit 4` exited 4:"), e.getMessage());
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
    }

    @Test
    void stdinReachesTheCommandAndADownloadStreamsStdout() {
        assertEquals("abc", host.exec(RemoteCommand.of("cat").stdin(RemoteCommand.Stdin.of("abc"))).stdout());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ExecResult r = host.download(RemoteCommand.shell("head -c 300000 /dev/zero"), sink);
        assertEquals(300000, sink.size());
        assertEquals("", r.stdout());
    }

    @Test
    void commandsGetAMinimalEnvironmentNeverSeedBootstrapsOwn() {
        String env = host.exec("env").stdout();
        Set<String> names = Arrays.stream(env.split("\n")).map(l -> l.substring(0, Math.max(0, l.indexOf('=')))).collect(Collectors.toSet());
        Set<String> allowed = Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "PWD", "SHLVL", "_");
        assertTrue(allowed.containsAll(names), "unexpected variables: " + names);
        assertTrue(env.contains("PATH=" + LocalHost.PATH + "\n"), env);
        String leaked = System.getenv().keySet().stream().filter(k -> !allowed.contains(k)).findFirst().orElse(null);
        Assumptions.assumeTrue(leaked != null, "this JVM has only allowed variables");
        assertFalse(names.contains(leaked), leaked + " of seed-bootstrap's environment reached the command");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsStoppedAndNamed() {
        long t0 = System.nanoTime();
        SshFailure e = assertThrows(SshFailure.class,
                () -> host.exec(RemoteCommand.shell("sleep 30 & wait").timeout(Duration.ofSeconds(1))));
        assertEquals(SshFailure.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "the timeout did not end the command");
    }

    @Test
    void asRootRunsAsRootWithoutSudoWhenThisProcessIsRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "runs as root only");
        assertEquals("0", host.exec(RemoteCommand.of("id", "-u").asRoot()).stdout().strip());
        assertEquals(Sudo.Mode.NOT_NEEDED, host.sudoMode());
        assertTrue(host.isLocal());
        assertTrue(host.hostKey().isEmpty());
    }
}
