package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ranges bundle verify hashes before and after its manifest is trusted (P4). */
class RangeHasherTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void aFileIsChunkedAsBundleCreateChunksIt() {
        assertEquals(List.of(new RangeHasher.Range("empty", 0, 0)), RangeHasher.chunksOf("empty", 0, MIB));
        assertEquals(List.of(new RangeHasher.Range("one", 0, MIB)), RangeHasher.chunksOf("one", MIB, MIB), "one chunk: the whole file");
        assertEquals(List.of(new RangeHasher.Range("two", 0, MIB), new RangeHasher.Range("two", MIB, 1)),
                RangeHasher.chunksOf("two", MIB + 1, MIB));
        assertEquals(List.of(new RangeHasher.Range("v1", 0, 5 * MIB)), RangeHasher.chunksOf("v1", 5 * MIB, 0), "a v1 manifest: whole");
    }

    @Test
    void aGuessedRangeIsReadOnceAndItsDigestIsTheBytes() throws Exception {
        byte[] data = new byte[(int) (3 * MIB + 17)];
        new Random(7).nextBytes(data);
        Files.write(root.resolve("image.tar"), data);
        List<RangeHasher.Range> chunks = RangeHasher.chunksOf("image.tar", data.length, MIB);
        try (RangeHasher hasher = new RangeHasher(root, 2)) {
            hasher.guess(chunks);
            for (RangeHasher.Range chunk : chunks) {
                RangeHasher.Digest digest = RangeHasher.await(hasher.want(chunk));
                byte[] bytes = Arrays.copyOfRange(data, (int) chunk.offset(), (int) (chunk.offset() + chunk.length()));
                assertEquals(Sha256.hex(bytes), digest.sha256(), chunk.toString());
                assertEquals(chunk.length(), digest.bytesRead());
                assertEquals(data.length, digest.sizeAfter());
                assertNull(digest.error());
            }
            assertEquals(chunks.size(), hasher.rangesRead(), "wanting a guessed range reuses the guess");
        }
    }

    @Test
    void aRangeNobodyGuessedIsReadWhenWantedAndAShortFileSaysSo() throws Exception {
        Files.write(root.resolve("short"), new byte[10]);
        try (RangeHasher hasher = new RangeHasher(root, 1)) {
            hasher.guess(RangeHasher.chunksOf("short", 10, MIB));
            hasher.dropUnwanted(); // nothing wanted yet: the guess may be dropped, wanting it later still reads it
            assertEquals(Sha256.hex(new byte[10]), RangeHasher.await(hasher.want(new RangeHasher.Range("short", 0, 10))).sha256());
            RangeHasher.Digest digest = RangeHasher.await(hasher.want(new RangeHasher.Range("short", 4, 20)));
            assertEquals(6, digest.bytesRead(), "the file ended after 6 of the 20 bytes");
            assertEquals(10, digest.sizeAfter());
            RangeHasher.Digest missing = RangeHasher.await(hasher.want(new RangeHasher.Range("gone", 0, 1)));
            assertNotNull(missing.error(), "a file that cannot be opened is an error, not a digest");
        }
    }
}
