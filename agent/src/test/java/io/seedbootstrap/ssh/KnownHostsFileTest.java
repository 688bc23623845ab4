package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file is checked again where it is read: it may change after validation, or be the default path. */
class KnownHostsFileTest {
    @TempDir
    Path dir;

    @Test
    void aDeviceOrAnOversizedFileIsRefusedAsBadInputWithoutReadingIt() throws Exception {
        SeedException zero = assertThrows(SeedException.class, () -> new KnownHostsFile(Path.of("/dev/zero")).read());
        assertEquals(ExitCode.BAD_INPUT, zero.exitCode());
        assertTrue(zero.getMessage().contains("/dev/zero is not a regular file") && zero.getMessage().contains("ssh.knownHosts"),
                zero.getMessage());

        Path big = dir.resolve("known_hosts");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(KnownHostsFile.MAX_BYTES + 1);
        }
        SeedException tooBig = assertThrows(SeedException.class, () -> new KnownHostsFile(big).read());
        assertEquals(ExitCode.BAD_INPUT, tooBig.exitCode());
        assertThrows(SeedException.class, () -> new KnownHostsFile(big).append("seed.example", 22, KnownHostsTest.blob(KnownHostsTest.ED25519)));

        Files.writeString(big, "seed.example ssh-ed25519 " + KnownHostsTest.ED25519 + "\n");
        assertEquals(1, new KnownHostsFile(big).read().entries().size());
    }
}
