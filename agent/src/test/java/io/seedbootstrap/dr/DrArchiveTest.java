package io.seedbootstrap.dr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive container: what verify accepts and refuses, with a cheap KDF and small chunks. */
class DrArchiveTest {
    static final Secret PASS = Secret.literal("a long enough passphrase");
    static final ArchiveCipher.Params PARAMS = new ArchiveCipher.Params(10, 8, 1, 4096);
    private static final String TOKEN = "K10" + "a".repeat(64) + "::server:" + "b".repeat(64);

    @TempDir
    Path dir;

    private Path write(String name, boolean withToken, boolean withSnapshot) {
        Path file = dir.resolve(name);
        byte[] snapshot = new byte[100_000];
        new Random(1).nextBytes(snapshot);
        try (DrArchive.Writer w = new DrArchive.Writer(file, PASS, PARAMS)) {
            if (withSnapshot) {
                w.add("snapshot/seed-1.db", DrManifest.Kind.ETCD_SNAPSHOT, "0600", snapshot.length, out -> out.write(snapshot));
            }
            if (withToken) {
                w.add(DrManifest.SERVER_TOKEN, DrManifest.Kind.SERVER_TOKEN, "0600", (TOKEN + "\n").getBytes(StandardCharsets.UTF_8));
            }
            w.add(DrManifest.AGENT_TOKEN, DrManifest.Kind.PKI, "0600", "K10x::node:y\n".getBytes(StandardCharsets.UTF_8));
            w.finish(new DrManifest(null, "2026-08-22T10:00:00Z", "test", "seed", "v1.35.7+rke2r1", "seed-1",
                    withSnapshot ? "snapshot/seed-1.db" : null, false, List.of("seed-1", "agent-1"), List.of()));
        }
        return file;
    }

    @Test
    void roundTripsAndStreamsTheSnapshotAgain() throws Exception {
        Path file = write("a.sbdr", true, true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        DrArchive.Verified v = DrArchive.verify(file, PASS);
        assertEquals("v1.35.7+rke2r1", v.manifest().rke2Version());
        assertEquals(List.of("seed-1", "agent-1"), v.manifest().nodes(), "the Node names restore --dry-run plans from");
        assertEquals(TOKEN + "\n", v.text(DrManifest.SERVER_TOKEN));
        assertFalse(v.contents().containsKey("snapshot/seed-1.db"), "the snapshot is not kept in memory");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        DrArchive.copyEntry(v, "snapshot/seed-1.db", PASS, again);
        byte[] expected = new byte[100_000];
        new Random(1).nextBytes(expected);
        assertArrayEquals(expected, again.toByteArray());
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(TOKEN), "the token is sealed");
    }

    @Test
    void refusesWrongPassphraseDamageAndMissingParts() throws Exception {
        Path file = write("a.sbdr", true, true);
        SeedException wrong = assertThrows(SeedException.class, () -> DrArchive.verify(file, Secret.literal("another passphrase")));
        assertEquals(ExitCode.BAD_INPUT, wrong.exitCode());
        assertTrue(wrong.getMessage().contains("passphrase"), wrong.getMessage());

        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("t.sbdr");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertTrue(assertThrows(SeedException.class, () -> DrArchive.verify(truncated, PASS)).getMessage().contains("not a whole DR archive"));
        Path corrupted = dir.resolve("c.sbdr");
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(corrupted, bytes);
        assertEquals(ExitCode.BAD_INPUT, assertThrows(SeedException.class, () -> DrArchive.verify(corrupted, PASS)).exitCode());

        SeedException noToken = assertThrows(SeedException.class, () -> DrArchive.verify(write("n.sbdr", false, true), PASS));
        assertTrue(noToken.getMessage().contains("no server token"), noToken.getMessage());
        SeedException noSnapshot = assertThrows(SeedException.class, () -> DrArchive.verify(write("s.sbdr", true, false), PASS));
        assertTrue(noSnapshot.getMessage().contains("no etcd snapshot"), noSnapshot.getMessage());
        assertFalse(noToken.getMessage().contains(TOKEN));
    }

    @Test
    void keptEntriesAreBoundedInTotalAndBackupVerifyKeepsNone() {
        // five 15 MiB entries: each under the per-entry limit, together over the total a restore keeps in memory
        Path file = dir.resolve("big.sbdr");
        long size = 15L << 20;
        try (DrArchive.Writer w = new DrArchive.Writer(file, PASS, PARAMS)) {
            w.add("snapshot/seed-1.db", DrManifest.Kind.ETCD_SNAPSHOT, "0600", 10, out -> out.write(new byte[10]));
            w.add(DrManifest.SERVER_TOKEN, DrManifest.Kind.SERVER_TOKEN, "0600", (TOKEN + "\n").getBytes(StandardCharsets.UTF_8));
            w.add(DrManifest.AGENT_TOKEN, DrManifest.Kind.PKI, "0600", "K10x::node:y\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                w.add("server-manifests/big-" + i + ".yaml", DrManifest.Kind.PKI, "0600", size, out -> {
                    byte[] block = new byte[1 << 20];
                    for (int m = 0; m < 15; m++) {
                        out.write(block);
                    }
                });
            }
            w.finish(new DrManifest(null, "2026-08-22T10:00:00Z", "test", "seed", "v1.35.7+rke2r1", "seed-1",
                    "snapshot/seed-1.db", false, List.of("seed-1"), List.of()));
        }
        SeedException refused = assertThrows(SeedException.class, () -> DrArchive.verify(file, PASS));
        assertEquals(ExitCode.BAD_INPUT, refused.exitCode());
        assertTrue(refused.getMessage().contains("add up to more than 64 MiB"), refused.getMessage());
        // backup verify streams: the same archive is whole, and nothing is held
        DrArchive.Verified checked = DrArchive.check(file, PASS);
        assertTrue(checked.contents().isEmpty());
        assertEquals(8, checked.manifest().files().size());
    }

    @Test
    void aFailedWriteLeavesNoArchive() {
        Path file = dir.resolve("f.sbdr");
        try (DrArchive.Writer w = new DrArchive.Writer(file, PASS, PARAMS)) {
            assertThrows(SeedException.class, () -> w.add("snapshot/x", DrManifest.Kind.ETCD_SNAPSHOT, "0600", 10, out -> out.write(new byte[5])));
        }
        assertFalse(Files.exists(file));
        assertEquals(0, dir.toFile().list().length, "the partial file is removed");
    }

    @Test
    void comparesRke2Versions() {
        assertTrue(io.seedbootstrap.rke2.Rke2Version.compare("v1.35.7+rke2r1", "v1.35.10+rke2r1") < 0);
        assertTrue(io.seedbootstrap.rke2.Rke2Version.compare("v1.35.7+rke2r2", "v1.35.7+rke2r1") > 0);
        assertEquals(0, io.seedbootstrap.rke2.Rke2Version.compare("v1.36.0+rke2r1", "v1.36.0+rke2r1"));
        assertEquals("v1.35.7+rke2r1", io.seedbootstrap.rke2.Rke2Version.find("rke2 version v1.35.7+rke2r1 (abc)").orElseThrow());
    }
}
