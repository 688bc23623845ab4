package io.seedbootstrap.bundle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers (the JDK's, which uses the CPU's SHA extensions where present). */
public final class Sha256 {
    /** Read size for hashing and copying: large enough to amortise system calls, small enough per thread. */
    public static final int BUFFER_SIZE = 1 << 20;

    private Sha256() {}

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
