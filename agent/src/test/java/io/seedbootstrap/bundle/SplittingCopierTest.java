package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The copier writes large pieces with direct I/O (whole blocks, then the tail through the page
 * cache) and the rest through the kernel's copy; every size around those edges must come out
 * byte for byte, with the sha256 of the whole file and of each part.
 */
class SplittingCopierTest {
    @TempDir
    Path dir;

    private static final long MIB = 1 << 20;

    @ParameterizedTest(name = "{0} bytes, split at {1}")
    @CsvSource({
        "0, 4294967295",
        "1, 4294967295",
        "4095, 4294967295",
        "1048576, 4294967295",          // exactly the direct-I/O threshold, whole blocks
        "1052673, 4294967295",          // direct, with a 1-byte tail after the last block
        "71303169, 4294967295",         // two 64 MiB windows, the second partial, odd tail
        "3145728, 1048576",             // parts start block-aligned: each part direct
        "3145729, 1048576",             // ... plus a 1-byte last part
        "3000000, 1000003",             // parts start unaligned: the buffered path after the first
        "16384, 4096",                  // small parts (under the threshold)
    })
    void copiesEverySizeExactly(long size, long splitSize) throws Exception {
        Path source = dir.resolve("source.bin");
        byte[] content = random(size);
        Files.write(source, content);
        AtomicLong progressed = new AtomicLong();
        Path bundle = dir.resolve("bundle");
        SplittingCopier.Copied copied;
        try (SplittingCopier copier = new SplittingCopier(splitSize, MIB, countingProgress(progressed))) {
            copied = copier.copy(source, bundle, "images/file.tar");
        }

        assertEquals(size, copied.size());
        assertEquals(Sha256.hex(content), copied.sha256());
        assertEquals(size, progressed.get(), "progress counts every byte once");
        if (size <= splitSize) {
            assertTrue(copied.parts().isEmpty());
            assertArrayEquals(content, Files.readAllBytes(bundle.resolve("images/file.tar")));
            assertEquals(chunkHashes(content), copied.chunks(), "1 MiB chunk hashes of a file larger than 1 MiB");
        } else {
            assertEquals((size + splitSize - 1) / splitSize, copied.parts().size());
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (ManifestFile.FilePart part : copied.parts()) {
                byte[] bytes = Files.readAllBytes(bundle.resolve(part.path()));
                assertEquals(part.size(), bytes.length, part.path());
                assertTrue(bytes.length <= splitSize, part.path() + " is larger than the split size");
                assertEquals(Sha256.hex(bytes), part.sha256(), part.path());
                assertEquals(chunkHashes(bytes), part.chunks(), part.path());
                joined.write(bytes);
            }
            assertArrayEquals(content, joined.toByteArray());
            assertTrue(Files.notExists(bundle.resolve("images/file.tar")), "a split file is only its parts");
        }
    }

    @Test
    void neverOverwritesAFileAlreadyInTheBundle() throws Exception {
        Path source = dir.resolve("source.bin");
        Files.write(source, random(2 * MIB));
        Path existing = dir.resolve("bundle/images/file.tar");
        Files.createDirectories(existing.getParent());
        Files.writeString(existing, "keep me");
        try (SplittingCopier copier = new SplittingCopier(BundleBuilder.DEFAULT_SPLIT_SIZE, BundleManifest.DEFAULT_CHUNK_SIZE, Progress.none())) {
            assertThrows(FileAlreadyExistsException.class, () -> copier.copy(source, dir.resolve("bundle"), "images/file.tar"));
        }
        assertEquals("keep me", Files.readString(existing));
    }

    @Test
    void namesASourceThatShrankWhileItWasCopied() throws Exception {
        Path source = dir.resolve("source.bin");
        Files.write(source, random(3 * MIB));
        Progress shrinking = cutsAfterFirstWindow(source);
        try (SplittingCopier copier = new SplittingCopier(2 * MIB, BundleManifest.DEFAULT_CHUNK_SIZE, shrinking)) {
            IOException e = assertThrows(IOException.class, () -> copier.copy(source, dir.resolve("bundle"), "images/file.tar"));
            assertTrue(e.getMessage().contains("source.bin"), e.getMessage());
        }
    }

    @Test
    void namesASourceCutShortUnderItsMapping() throws Exception {
        Path source = dir.resolve("source.bin");
        Files.write(source, random(70 * MIB)); // two windows: the second is mapped after the cut
        Progress cutting = cutsAfterFirstWindow(source);
        try (SplittingCopier copier = new SplittingCopier(BundleBuilder.DEFAULT_SPLIT_SIZE, BundleManifest.DEFAULT_CHUNK_SIZE, cutting)) {
            IOException e = assertThrows(IOException.class, () -> copier.copy(source, dir.resolve("bundle"), "images/file.tar"));
            assertTrue(e.getMessage().contains("source.bin") && e.getMessage().contains("while it was copied"), e.getMessage());
        }
    }

    /** The sha256 of each MiB of {@code bytes} (the last may be shorter); none for at most one MiB. */
    private static java.util.List<String> chunkHashes(byte[] bytes) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int at = 0; bytes.length > MIB && at < bytes.length; at += (int) MIB) {
            out.add(Sha256.hex(java.util.Arrays.copyOfRange(bytes, at, (int) Math.min(bytes.length, at + MIB))));
        }
        return out;
    }

    private static byte[] random(long size) {
        byte[] bytes = new byte[(int) size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Cuts the source to 1 MiB as soon as the copier reports its first window, as a mirror rewritten in place would. */
    private static Progress cutsAfterFirstWindow(Path source) {
        return new CountingProgress() {
            @Override
            public void advance(long bytes) {
                try (var channel = java.nio.channels.FileChannel.open(source, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(MIB);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    private static Progress countingProgress(AtomicLong counter) {
        return new CountingProgress() {
            @Override
            public void advance(long bytes) {
                counter.addAndGet(bytes);
            }
        };
    }

    private abstract static class CountingProgress implements Progress {
        @Override
        public void begin(String what, long totalBytes, int files) {}

        @Override
        public void end() {}
    }
}
