package io.seedbootstrap.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** OpenSSH-style key fingerprints, as {@code ssh-keygen -lf} prints them. */
public final class Fingerprints {
    private Fingerprints() {}

    /** {@code SHA256:} + unpadded base64 of the SHA-256 of the key blob (RFC 4253 encoding). */
    public static String sha256(byte[] keyBlob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Compares two SHA256 fingerprints; base64 is case-sensitive, the prefix is not. */
    public static boolean same(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String f) {
        String t = f.trim();
        if (t.regionMatches(true, 0, "SHA256:", 0, 7)) {
            t = t.substring(7);
        }
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
