package io.seedbootstrap.pki.archive;

import io.seedbootstrap.support.Secret;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The encryption of DR archives (docs/formats.md "DR archive"): a key from the passphrase by
 * scrypt (memory-hard), then the plaintext in chunks, each sealed by AES-256-GCM under a nonce
 * holding the chunk's index and a last-chunk flag (the STREAM construction), so dropped,
 * reordered or cut-off chunks fail authentication and only the chunk in hand is ever in memory.
 * The header (KDF parameters, salt, chunk size, nonce prefix) is every chunk's associated data
 * and carries a passphrase check, so a wrong passphrase is told apart from a damaged file.
 */
public final class ArchiveCipher {
    static final byte[] MAGIC = "SBDRARC1".getBytes(StandardCharsets.US_ASCII);
    private static final int KDF_SCRYPT = 1;
    private static final int SALT = 16;
    private static final int NONCE_PREFIX = 7;
    private static final int CHECK = 16;
    private static final int TAG = 16;
    /** Bytes before the passphrase check; the whole header is {@link #HEADER} bytes. */
    private static final int HEADER_BODY = MAGIC.length + 4 + SALT + 4 + NONCE_PREFIX;
    static final int HEADER = HEADER_BODY + CHECK;
    private static final int MAX_CHUNK = 16 << 20;
    private static final int MIN_CHUNK = 64;
    /**
     * The scrypt parameters backup writes ({@link Params#defaults}: N = 2^17, r = 8, p = 1,
     * 128 MiB, under a second) bound what a reader runs: a header asking for more (or other r, p)
     * is damaged, refused before any key derivation, so a crafted header cannot make the
     * operator's machine spend minutes or run out of memory. Smaller N only serves tests.
     */
    static final int MIN_LOG_N = 10;
    static final int MAX_LOG_N = 17;
    static final int R = 8;
    static final int P = 1;

    /**
     * @param logN      scrypt cost: N = 2^logN (memory = 128 * r * N bytes)
     * @param chunkSize plaintext bytes per sealed chunk
     */
    public record Params(int logN, int r, int p, int chunkSize) {
        public Params {
            if (logN < MIN_LOG_N || logN > MAX_LOG_N || r != R || p != P || chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
                throw new IllegalArgumentException("scrypt logN " + logN + ", r " + r + ", p " + p + ", chunk size " + chunkSize
                        + " are outside what backup writes (logN " + MIN_LOG_N + "-" + MAX_LOG_N + ", r " + R + ", p " + P
                        + ", chunks of " + MIN_CHUNK + " bytes to " + (MAX_CHUNK >> 20) + " MiB)");
            }
        }

        /** scrypt N=2^17, r=8, p=1 (128 MiB, under a second; RFC 7914 interactive-plus), 1 MiB chunks. */
        public static Params defaults() {
            return new Params(MAX_LOG_N, R, P, 1 << 20);
        }
    }

    /** The archive was sealed with another passphrase (the header's check did not match). */
    public static final class WrongPassphraseException extends IOException {
        WrongPassphraseException() {
            super("the passphrase does not open this archive");
        }
    }

    /** The archive is not one of ours, or was changed, cut short or reordered after it was written. */
    public static final class DamagedArchiveException extends IOException {
        DamagedArchiveException(String message) {
            super(message);
        }
    }

    private ArchiveCipher() {}

    /** A stream that seals what is written to {@code out}; {@code close()} seals the last chunk (and closes {@code out}). */
    public static OutputStream encrypt(OutputStream out, Secret passphrase, Params params) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[SALT];
        byte[] prefix = new byte[NONCE_PREFIX];
        random.nextBytes(salt);
        random.nextBytes(prefix);
        ByteBuffer body = ByteBuffer.allocate(HEADER_BODY).put(MAGIC).put((byte) KDF_SCRYPT).put((byte) params.logN())
                .put((byte) params.r()).put((byte) params.p()).put(salt).putInt(params.chunkSize()).put(prefix);
        Keys keys = Keys.derive(passphrase, salt, params);
        byte[] header = ByteBuffer.allocate(HEADER).put(body.array()).put(keys.check(body.array())).array();
        out.write(header);
        return new Sealing(out, keys.encryption, header, prefix, params.chunkSize());
    }

    /**
     * Opens a sealed stream: reads the header and checks the passphrase at once (wrong →
     * {@link WrongPassphraseException}), then yields plaintext chunk by chunk. End of stream is
     * reported only after the last chunk authenticated; anything else ends in
     * {@link DamagedArchiveException}.
     */
    public static InputStream decrypt(InputStream in, Secret passphrase) throws IOException {
        byte[] header = new byte[HEADER];
        int got = in.readNBytes(header, 0, HEADER);
        if (got < HEADER || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw new DamagedArchiveException("not a seed-bootstrap DR archive (no SBDRARC1 header)");
        }
        ByteBuffer b = ByteBuffer.wrap(header, MAGIC.length, HEADER - MAGIC.length);
        int kdf = b.get() & 0xff;
        int logN = b.get() & 0xff;
        int r = b.get() & 0xff;
        int p = b.get() & 0xff;
        byte[] salt = new byte[SALT];
        b.get(salt);
        int chunkSize = b.getInt();
        byte[] prefix = new byte[NONCE_PREFIX];
        b.get(prefix);
        byte[] check = new byte[CHECK];
        b.get(check);
        if (kdf != KDF_SCRYPT) {
            throw new DamagedArchiveException("the archive header is damaged or from a newer seed-bootstrap (key derivation " + kdf + ")");
        }
        Params params;
        try {
            params = new Params(logN, r, p, chunkSize);
        } catch (IllegalArgumentException e) {
            throw new DamagedArchiveException("the archive header is damaged (" + e.getMessage() + "); the passphrase was not tried");
        }
        Keys keys = Keys.derive(passphrase, salt, params);
        if (!MessageDigest.isEqual(check, keys.check(Arrays.copyOf(header, HEADER_BODY)))) {
            throw new WrongPassphraseException();
        }
        return new Opening(in, keys.encryption, header, prefix, chunkSize);
    }

    private record Keys(SecretKeySpec encryption, byte[] checkKey) {
        static Keys derive(Secret passphrase, byte[] salt, Params params) {
            byte[] pass = passphrase.reveal().getBytes(StandardCharsets.UTF_8);
            byte[] okm = SCrypt.generate(pass, salt, 1 << params.logN(), params.r(), params.p(), 64);
            Arrays.fill(pass, (byte) 0);
            Keys keys = new Keys(new SecretKeySpec(okm, 0, 32, "AES"), Arrays.copyOfRange(okm, 32, 64));
            Arrays.fill(okm, (byte) 0);
            return keys;
        }

        byte[] check(byte[] headerBody) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(checkKey, "HmacSHA256"));
                mac.update("seed-bootstrap DR passphrase check".getBytes(StandardCharsets.US_ASCII));
                return Arrays.copyOf(mac.doFinal(headerBody), CHECK);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** nonce = prefix (7) ‖ chunk index (4, big-endian) ‖ 1 on the last chunk, else 0. */
    static byte[] nonce(byte[] prefix, long index, boolean last) throws IOException {
        if (index > 0xffffffffL) {
            throw new IOException("archive too large: more than 2^32 chunks");
        }
        return ByteBuffer.allocate(12).put(prefix).putInt((int) index).put((byte) (last ? 1 : 0)).array();
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, byte[] aad) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
            cipher.updateAAD(aad);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /**
     * Full chunks as they fill; the last chunk is always shorter than a full one (empty when
     * the plaintext ends on a chunk boundary), which is how a reader knows it is the last.
     */
    private static final class Sealing extends FilterOutputStream {
        private final SecretKeySpec key;
        private final byte[] aad;
        private final byte[] prefix;
        private final byte[] buffer;
        private int filled;
        private long index;
        private boolean closed;

        Sealing(OutputStream out, SecretKeySpec key, byte[] aad, byte[] prefix, int chunkSize) {
            super(out);
            this.key = key;
            this.aad = aad;
            this.prefix = prefix;
            this.buffer = new byte[chunkSize];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("archive stream closed");
            }
            while (len > 0) {
                if (filled == buffer.length) {
                    seal(false);
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(data, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                out.write(cipher(Cipher.ENCRYPT_MODE, key, nonce(prefix, index++, last), aad).doFinal(buffer, 0, filled));
            } catch (GeneralSecurityException e) {
                throw new IOException("sealing a chunk failed: " + e.getMessage(), e);
            }
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush(); // chunks are sealed only when full: flushing must not add a short (= last) chunk
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (filled == buffer.length) {
                    seal(false);
                }
                seal(true);
                Arrays.fill(buffer, (byte) 0);
            } finally {
                out.close();
            }
        }
    }

    private static final class Opening extends InputStream {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private final byte[] aad;
        private final byte[] prefix;
        private final byte[] sealed;
        private byte[] plain = new byte[0];
        private int position;
        private long index;
        private boolean ended;

        Opening(InputStream in, SecretKeySpec key, byte[] aad, byte[] prefix, int chunkSize) {
            this.in = new DataInputStream(in);
            this.key = key;
            this.aad = aad;
            this.prefix = prefix;
            this.sealed = new byte[chunkSize + TAG];
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == plain.length) {
                if (ended) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, plain.length - position);
            System.arraycopy(plain, position, b, off, n);
            position += n;
            return n;
        }

        private void next() throws IOException {
            int got = in.readNBytes(sealed, 0, sealed.length);
            boolean last = got < sealed.length;
            if (got < TAG) {
                throw new DamagedArchiveException("the archive is cut short (it ends inside chunk " + index
                        + "): it was truncated or not copied completely");
            }
            try {
                plain = cipher(Cipher.DECRYPT_MODE, key, nonce(prefix, index, last), aad).doFinal(sealed, 0, got);
            } catch (AEADBadTagException e) {
                throw new DamagedArchiveException("chunk " + index + " of the archive does not authenticate: the file was changed, "
                        + "reordered or cut short after it was written");
            } catch (GeneralSecurityException e) {
                throw new IOException("opening chunk " + index + " failed: " + e.getMessage(), e);
            }
            index++;
            position = 0;
            if (last) {
                ended = true;
                if (in.read() >= 0) {
                    throw new DamagedArchiveException("the archive has data after its last chunk");
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
