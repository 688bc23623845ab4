package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One relay hop carries a batch of files in one stream: the receiver splits it by the expected
 * sizes and checks each file on its own. Runs the generated shell with the local /bin/sh, the
 * host's state directory moved into a temporary one.
 */
class StagedFilesEachTest {
    @TempDir
    Path dir;

    /** The file contents of a batch: one larger than the receiver's 1 MiB reads, one empty, one small. */
    private final List<byte[]> contents = List.of(random(1, (1 << 20) + 12345), new byte[0], random(2, 330));

    private List<StagedFiles.Expected> expected() {
        return List.of(
                new StagedFiles.Expected(dir + "/out/a.bin", sha256(contents.get(0)), contents.get(0).length, "0640", null),
                new StagedFiles.Expected(dir + "/out/empty", sha256(contents.get(1)), 0, "0600", null),
                new StagedFiles.Expected(dir + "/out/c.txt", sha256(contents.get(2)), contents.get(2).length, "0644", null));
    }

    @ParameterizedTest(name = "python3 on the host: {0}")
    @ValueSource(booleans = {true, false})
    void aStreamOfSeveralFilesIsSplitByTheirSizesAndEachLandsVerified(boolean python) throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        contents.forEach(stream::writeBytes);

        assertEquals(0, sh(StagedFiles.receiveEachScript(expected()), stream.toByteArray(), python).exit);
        Run finish = sh(StagedFiles.finishEach(expected()).script(), new byte[0], python);

        assertEquals(0, finish.exit, finish.out);
        for (int i = 0; i < contents.size(); i++) {
            Path target = Path.of(expected().get(i).target());
            assertArrayEquals(contents.get(i), Files.readAllBytes(target), target.toString());
            assertEquals(PosixFilePermissions.fromString(i == 0 ? "rw-r-----" : i == 1 ? "rw-------" : "rw-r--r--"),
                    Files.getPosixFilePermissions(target));
        }
        try (var staged = Files.list(staging())) {
            assertEquals(List.of(), staged.toList(), "nothing left in staging");
        }
    }

    @ParameterizedTest(name = "python3 on the host: {0}")
    @ValueSource(booleans = {true, false})
    void aCorruptedFileIsRefusedAndNamedWhileTheOthersOfTheBatchArePlaced(boolean python) throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        contents.forEach(stream::writeBytes);
        byte[] bytes = stream.toByteArray();
        bytes[bytes.length - 5] ^= 1; // in the third file

        sh(StagedFiles.receiveEachScript(expected()), bytes, python);
        Run finish = sh(StagedFiles.finishEach(expected()).script(), new byte[0], python);

        assertEquals(StagedFiles.EXIT_CHECKSUM, finish.exit, finish.out);
        assertTrue(finish.out.contains("bad 2\n"), finish.out);
        assertFalse(finish.out.contains("bad 0") || finish.out.contains("bad 1"), finish.out);
        assertTrue(Files.exists(Path.of(expected().get(0).target())) && Files.exists(Path.of(expected().get(1).target())));
        assertFalse(Files.exists(Path.of(expected().get(2).target())), "a copy that does not verify is never renamed into place");
    }

    @ParameterizedTest(name = "python3 on the host: {0}")
    @ValueSource(booleans = {true, false})
    void aStreamThatEndsEarlyPlacesNothingIncomplete(boolean python) throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(contents.get(0));
        stream.write(contents.get(2), 0, 100); // the sender stopped in the middle of the last file

        sh(StagedFiles.receiveEachScript(expected()), stream.toByteArray(), python);
        Run finish = sh(StagedFiles.finishEach(expected()).script(), new byte[0], python);

        assertEquals(StagedFiles.EXIT_CHECKSUM, finish.exit, finish.out);
        assertTrue(finish.out.contains("bad 2\n"), finish.out);
        assertFalse(Files.exists(Path.of(expected().get(2).target())));
    }

    @ParameterizedTest(name = "python3 on the host: {0}")
    @ValueSource(booleans = {true, false})
    void hashesIfSizeReportsOnlyTheFilesOfTheRightSize(boolean python) throws Exception {
        Files.createDirectories(dir.resolve("out"));
        Files.write(Path.of(expected().get(0).target()), contents.get(0));
        Files.write(Path.of(expected().get(2).target()), new byte[] {1, 2, 3}); // another size

        Run r = sh(StagedFiles.hashesIfSize(expected()).script(), new byte[0], python);

        assertEquals(Map.of(0, sha256(contents.get(0))),
                StagedFiles.parseHashes(new ExecResult("local", "hashes", r.exit, r.out, "", java.time.Duration.ZERO)));
    }

    private record Run(int exit, String out) {}

    private Path staging() {
        return dir.resolve("state/staging");
    }

    /** Runs {@code script} with /bin/sh and {@code stdin}; stdout and stderr together. */
    private Run sh(String script, byte[] stdin, boolean python) throws IOException, InterruptedException {
        Path bin = dir.resolve("bin");
        if (!python && !Files.exists(bin.resolve("python3"))) {
            // a host without python3: the shell path (head -c, tail | openssl/sha256sum) is used
            Files.createDirectories(bin);
            Files.writeString(bin.resolve("python3"), "#!/bin/sh\nexit 127\n");
            bin.resolve("python3").toFile().setExecutable(true);
        }
        String local = script.replace(StagedFiles.STAGING, staging().toString());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", local).redirectErrorStream(true);
        // the system's tools as on a host (not a developer's python shims)
        pb.environment().put("PATH", (python ? "" : bin + ":") + "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(HashCache.newDigest().digest(b));
    }
}
