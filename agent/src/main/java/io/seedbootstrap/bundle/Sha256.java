package io.seedbootstrap.bundle;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers (the JDK's, which uses the CPU's SHA extensions where present). */
public final class Sha256 {
    /** Read size for hashing and copying: large enough to amortise system calls, small enough per thread. */
    public static final int BUFFER_SIZE = 1 << 20;

    private Sha256() {}

    /**
     * Starts a daemon thread that hashes up to {@code bytes} zeros the way bundle verify hashes files (a direct
     * buffer, which the digest takes in 4 KiB slices), so the JIT has compiled the SHA-256 intrinsic by the time
     * the real hashing starts: until then SHA-256 runs as interpreted or C1-compiled Java at a small fraction of its
     * speed (P4, scripts/bench-verify.sh; {@code -XX:+PrintCompilation} shows DigestBase::engineUpdate at tier 4).
     * Meant to run on a core that is idle meanwhile (verify checks the signature and reads the manifest on one
     * thread); interrupt it when the real work starts, or it stops by itself after {@code bytes}.
     */
    public static Thread warmUp(long bytes) {
        Thread thread = new Thread(() -> {
            MessageDigest digest = digest();
            ByteBuffer zeros = ByteBuffer.allocateDirect(64 << 10);
            // uneven lengths and a digest now and then: the compiled code must not have seen only whole blocks, or it
            // is thrown away (deoptimised) at the first file whose size is not a multiple of 64 bytes
            long done = 0;
            for (int i = 0; done < bytes && !Thread.currentThread().isInterrupted(); i++) {
                zeros.clear().limit(zeros.capacity() - (i % 4) * 4099);
                digest.update(zeros);
                done += zeros.limit();
                if (i % 8 == 7) {
                    digest.digest();
                }
            }
        }, "sha256-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String hex(byte[] data) {
        MessageDigest digest = digest();
        digest.update(data);
        return hex(digest);
    }
}
