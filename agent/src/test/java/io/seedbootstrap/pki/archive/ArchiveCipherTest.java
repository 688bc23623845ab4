package io.seedbootstrap.pki.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The DR archive's sealing: round trips, and every way a file can be wrong is refused. Small chunks and a cheap KDF. */
class ArchiveCipherTest {
    private static final Secret PASS = Secret.literal("correct horse battery staple");
    private static final int CHUNK = 64;
    private static final ArchiveCipher.Params PARAMS = new ArchiveCipher.Params(10, 8, 1, CHUNK);
    private static final int HEADER = ArchiveCipher.HEADER;

    private static byte[] seal(byte[] plain, Secret pass) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = ArchiveCipher.encrypt(bytes, pass, PARAMS)) {
            // odd write sizes: chunking must not depend on how the caller writes
            for (int i = 0; i < plain.length; i += 7) {
                out.write(plain, i, Math.min(7, plain.length - i));
            }
            out.flush();
        }
        return bytes.toByteArray();
    }

    private static byte[] open(byte[] sealed, Secret pass) throws IOException {
        try (InputStream in = ArchiveCipher.decrypt(new ByteArrayInputStream(sealed), pass)) {
            return in.readAllBytes();
        }
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void roundTripsEverySizeAroundChunkBoundaries() throws IOException {
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5}) {
            byte[] plain = data(size);
            byte[] sealed = seal(plain, PASS);
            assertArrayEquals(plain, open(sealed, PASS), "size " + size);
            // full chunks, then one shorter last chunk (empty on a boundary), each with a 16-byte tag
            int chunks = size / CHUNK + 1;
            assertEquals(HEADER + size + 16L * chunks, sealed.length, "size " + size);
        }
    }

    @Test
    void sealsWithFreshSaltAndNonces() throws IOException {
        byte[] plain = data(200);
        byte[] a = seal(plain, PASS);
        byte[] b = seal(plain, PASS);
        assertFalse(Arrays.equals(a, b));
        assertFalse(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1).contains(
                new String(Arrays.copyOf(plain, 16), java.nio.charset.StandardCharsets.ISO_8859_1)), "plaintext is not in the file");
    }

    @Test
    void wrongPassphraseIsToldApartFromDamage() throws IOException {
        byte[] sealed = seal(data(300), PASS);
        assertThrows(ArchiveCipher.WrongPassphraseException.class, () -> open(sealed, Secret.literal("Correct horse battery staple")));
    }

    @Test
    void aFlippedBitAnywhereAfterTheHeaderIsRefused() throws IOException {
        byte[] sealed = seal(data(3 * CHUNK + 10), PASS);
        for (int i = HEADER; i < sealed.length; i += 13) {
            byte[] bad = sealed.clone();
            bad[i] ^= 0x01;
            assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(bad, PASS), "byte " + i);
        }
    }

    @Test
    void aChangedHeaderIsRefused() throws IOException {
        byte[] sealed = seal(data(100), PASS);
        byte[] magic = sealed.clone();
        magic[0] = 'X';
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(magic, PASS));
        // the nonce prefix: authenticated through the check and every chunk's associated data
        byte[] prefix = sealed.clone();
        prefix[HEADER - 17] ^= 0x01;
        assertThrows(IOException.class, () -> open(prefix, PASS));
        // a KDF asking for 2^30 * 8 * 128 bytes is refused before any work
        byte[] greedy = sealed.clone();
        greedy[ArchiveCipher.MAGIC.length + 1] = 30;
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(greedy, PASS));
    }

    @Test
    void kdfParametersOutsideWhatBackupWritesAreADamagedHeaderNotAWrongPassphrase() throws IOException {
        byte[] sealed = seal(data(100), PASS);
        int logN = ArchiveCipher.MAGIC.length + 1;
        // {offset, value}: p 2 and 255 (255 took ~23 minutes at N=2^17), r 16 and 255, N 2^18 and 2^9, a chunk size of 2^31-1
        int[][] changes = {{logN + 2, 2}, {logN + 2, 255}, {logN + 1, 16}, {logN + 1, 255}, {logN, 18}, {logN, 9}, {logN + 3 + 16, 0x7f}};
        for (int[] change : changes) {
            byte[] bad = sealed.clone();
            bad[change[0]] = (byte) change[1];
            IOException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(2),
                    () -> assertThrows(IOException.class, () -> open(bad, PASS)), "byte " + change[0] + " = " + change[1]);
            assertTrue(e instanceof ArchiveCipher.DamagedArchiveException, "byte " + change[0] + " = " + change[1] + ": " + e);
            assertTrue(e.getMessage().contains("header is damaged"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ArchiveCipher.Params(18, 8, 1, 1 << 20), "backup cannot write them either");
    }

    @Test
    void truncationAnywhereIsRefusedEvenOnAChunkBoundary() throws IOException {
        byte[] sealed = seal(data(3 * CHUNK + 10), PASS);
        int fullChunk = CHUNK + 16;
        for (int cut : new int[] {sealed.length - 1, sealed.length - 26, HEADER + 3 * fullChunk, HEADER + 2 * fullChunk, HEADER + fullChunk + 5,
                HEADER + 10, HEADER}) {
            byte[] bad = Arrays.copyOf(sealed, cut);
            IOException e = assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(bad, PASS), "cut at " + cut);
            assertFalse(e.getMessage().contains(PASS.reveal()));
        }
        // a plaintext ending on a boundary has an empty last chunk: dropping it is caught too
        byte[] even = seal(data(2 * CHUNK), PASS);
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(Arrays.copyOf(even, even.length - 16), PASS));
    }

    @Test
    void reorderedOrDuplicatedChunksAndTrailingDataAreRefused() throws IOException {
        byte[] sealed = seal(data(3 * CHUNK + 10), PASS);
        int full = CHUNK + 16;
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, HEADER, swapped, HEADER + full, full);
        System.arraycopy(sealed, HEADER + full, swapped, HEADER, full);
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(swapped, PASS));

        byte[] duplicated = new byte[sealed.length + full];
        System.arraycopy(sealed, 0, duplicated, 0, HEADER + full);
        System.arraycopy(sealed, HEADER, duplicated, HEADER + full, sealed.length - HEADER);
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(duplicated, PASS));

        byte[] trailing = Arrays.copyOf(sealed, sealed.length + 1);
        assertThrows(ArchiveCipher.DamagedArchiveException.class, () -> open(trailing, PASS));
    }

    @Test
    void plaintextIsHandedOutBeforeTheEndIsReachedButTheEndIsAlwaysChecked() throws IOException {
        byte[] plain = data(5 * CHUNK);
        byte[] sealed = seal(plain, PASS);
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 16);
        try (InputStream in = ArchiveCipher.decrypt(new ByteArrayInputStream(cut), PASS)) {
            byte[] first = in.readNBytes(CHUNK);
            assertArrayEquals(Arrays.copyOf(plain, CHUNK), first, "streaming: a chunk is usable once it authenticated");
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
        }
    }
}
