package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.testvm.CommandLineWatcher;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * sudo with a password (admin needs one on this machine). While the whole class runs, a watcher
 * on the host records every process command line it can see; at the end neither those, nor the
 * host's journal, nor our own log output (debug level for io.seedbootstrap) hold the password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SudoPasswordIT {
    private static final String PASSWORD = "sudo-" + UUID.randomUUID();

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(1).sudoPassword(PASSWORD).build();

    private static final ByteArrayOutputStream ourLogs = new ByteArrayOutputStream();
    private static PrintStream originalErr;
    private static CommandLineWatcher watcher;

    @TempDir
    Path tmp;

    private static TestMachine vm() {
        return machines.get(0);
    }

    private static SshTarget target(String password) {
        return Machines.target(vm()).withSudoPassword(password == null ? null : Secret.fromEnv(password, "TEST_SUDO_PASSWORD"));
    }

    @BeforeAll
    static void watchTheHostAndOurLogs() {
        watcher = CommandLineWatcher.start(vm());
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, ourLogs), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void restoreStderr() {
        if (originalErr != null) {
            System.setErr(originalErr);
        }
    }

    @Test
    @Order(1)
    void commandsRunAsRootAndStdinCarriesOnlyTheCommandsData() {
        try (RemoteHost h = RemoteHost.connect(target(PASSWORD), Machines.options(tmp))) {
            assertEquals("admin", h.exec("id", "-un").stdout().trim());
            assertEquals("0", h.exec(RemoteCommand.of("id", "-u").asRoot()).stdout().trim());
            // stdin data after sudo's password: the command must see exactly the data
            String data = "line one\nline two without newline";
            ExecResult cat = h.exec(RemoteCommand.of("cat").asRoot().stdin(RemoteCommand.Stdin.of(data)));
            assertEquals(data, cat.stdout());
            assertFalse(cat.stderr().contains("seed-bootstrap"), "markers must be stripped: " + cat.stderr());
            // a root command that fails: reported like any other
            SshFailure e = assertThrows(SshFailure.class, () -> h.exec(RemoteCommand.shell("echo bad >&2; exit 9").asRoot()));
            assertTrue(e.getMessage().contains("exited 9") && e.getMessage().contains("bad"), e.getMessage());
        }
    }

    @Test
    @Order(2)
    void anUploadStreamedOnStdinWorksUnderSudoWithAPassword() throws IOException {
        Path f = UploadIT.randomFile(tmp, "f.bin", 16 << 20, 11);
        try (RemoteHost h = RemoteHost.connect(target(PASSWORD), Machines.options(tmp))) {
            UploadResult r = h.upload(Upload.of(f, "/var/lib/rancher/rke2/agent/images/f.bin"));
            assertEquals(UploadResult.Status.SENT, r.status());
            assertEquals(UploadIT.sha256(f), r.sha256());
            assertEquals(UploadResult.Status.SKIPPED, h.upload(Upload.of(f, "/var/lib/rancher/rke2/agent/images/f.bin")).status());
        }
        assertEquals(UploadIT.sha256(f), vm().exec("sh", "-c", "sha256sum < /var/lib/rancher/rke2/agent/images/f.bin | cut -c1-64")
                .stdout().trim());
        assertEquals("644 root:root", vm().exec("stat", "-c", "%a %U:%G", "/var/lib/rancher/rke2/agent/images/f.bin").stdout().trim());
    }

    @Test
    @Order(3)
    void aWrongPasswordIsAClearErrorNotAHang() {
        String wrong = "wrong-" + UUID.randomUUID();
        try (RemoteHost h = RemoteHost.connect(target(wrong), Machines.options(tmp))) {
            long t0 = System.nanoTime();
            SshFailure e = assertThrows(SshFailure.class, () -> h.exec(RemoteCommand.of("id", "-u").asRoot()));
            assertEquals(SshFailure.Kind.SUDO, e.kind());
            assertTrue(e.getMessage().contains("sudo refused the password <redacted> (from $TEST_SUDO_PASSWORD) for admin"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong));
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "took " + (System.nanoTime() - t0) / 1e9 + " s");
        }
    }

    @Test
    @Order(4)
    void noPasswordWhereSudoNeedsOneIsAClearError() {
        try (RemoteHost h = RemoteHost.connect(target(null), Machines.options(tmp))) {
            SshFailure e = assertThrows(SshFailure.class, () -> h.exec(RemoteCommand.of("true").asRoot()));
            assertEquals(SshFailure.Kind.SUDO, e.kind());
            assertTrue(e.getMessage().contains("sudo asks admin for a password: give it as ssh.sudoPassword"), e.getMessage());
        }
    }

    @Test
    @Order(99)
    void thePasswordAppearsInNoCommandLineNorJournalNorOurLogs() throws IOException {
        String cmdlines = watcher.stop();
        assertTrue(cmdlines.contains("sudo -S -p"), "the watcher must have seen our sudo calls:\n" + cmdlines);
        assertTrue(cmdlines.contains("tail -c +1 --pid="), "the watcher must have seen the upload");
        assertFalse(cmdlines.contains(PASSWORD), "password in a command line");

        String journal = vm().exec("journalctl", "--no-pager", "-o", "json").stdout();
        assertTrue(journal.contains("COMMAND=/usr/bin/sh"), "sudo must have logged its commands to the journal");
        assertFalse(journal.contains(PASSWORD), "password in the journal");
        String logs = vm().sh("cat /var/log/auth.log /var/log/syslog 2>/dev/null; true").stdout();
        assertFalse(logs.contains(PASSWORD), "password in /var/log");

        System.err.flush();
        String ours = ourLogs.toString(StandardCharsets.UTF_8);
        assertTrue(ours.contains("DEBUG io.seedbootstrap.ssh.SshRemoteHost - vm1: run [root]"),
                "debug logging of io.seedbootstrap must be on (failsafe sets it) to make this check mean anything");
        assertFalse(ours.contains(PASSWORD), "password in our log output");
        Files.writeString(tmp.resolve("x"), ""); // keep @TempDir in use
    }

    /** Writes to two streams (our stderr log capture). */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            a.flush();
        }
    }
}
