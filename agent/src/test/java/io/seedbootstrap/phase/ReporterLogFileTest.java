package io.seedbootstrap.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run log is the operator's alone (issue 21 item 8): 0600, and never appended to with a wider mode. */
class ReporterLogFileTest {
    @TempDir
    Path dir;

    private static Reporter reporter(Path log) {
        return new Reporter(new PrintWriter(new StringWriter()), log, Redactor.none(), false, Clock.systemUTC());
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aNewLogIs0600AndAnExisting0600LogIsAppendedTo() throws Exception {
        Path log = dir.resolve("logs/run.log");
        try (Reporter r = reporter(log)) {
            r.info("vm1", "first run");
        }
        assertEquals("rw-------", mode(log));
        try (Reporter r = reporter(log)) {
            r.info("vm1", "second run");
        }
        String text = Files.readString(log);
        assertTrue(text.contains("vm1: first run") && text.contains("vm1: second run"), text);
        assertEquals("rw-------", mode(log));
    }

    @Test
    void anExistingLogOthersCanReadIsRefusedAndLeftAsItWas() throws Exception {
        for (String wider : new String[] {"rw-r--r--", "rw-rw----", "rw-----w-"}) {
            Path log = dir.resolve("shared-" + wider + ".log");
            Files.writeString(log, "someone else's lines\n");
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString(wider));
            SeedException e = assertThrows(SeedException.class, () -> reporter(log).close());
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains(log + " exists with mode " + wider) && e.getMessage().contains("chmod 600 " + log),
                    e.getMessage());
            assertEquals(wider, mode(log), "the mode is not changed");
            assertEquals("someone else's lines\n", Files.readString(log), "nothing appended");
        }
    }

    @Test
    void aSymbolicLinkOrADeviceIsRefused() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, "not a log\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link.log"), target);
        SeedException e = assertThrows(SeedException.class, () -> reporter(link).close());
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        assertEquals("not a log\n", Files.readString(target));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.log"), dir.resolve("nowhere"));
        assertThrows(SeedException.class, () -> reporter(dangling).close());
        assertTrue(Files.notExists(dir.resolve("nowhere")), "a dangling link's target is not created");
        SeedException device = assertThrows(SeedException.class, () -> reporter(Path.of("/dev/null")).close());
        assertTrue(device.getMessage().contains("not a regular file"), device.getMessage());
    }
}
