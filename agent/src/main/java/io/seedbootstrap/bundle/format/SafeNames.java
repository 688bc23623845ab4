package io.seedbootstrap.bundle.format;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file-name rules that keep a bundle usable on FAT32 and exFAT sticks and safe to read
 * (docs/formats.md "Removable media rules"), and the mapping of image references to such names.
 */
public final class SafeNames {
    public static final int MAX_SEGMENT = 128;
    public static final int MAX_PATH = 200;
    private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    private static final Pattern DEVICE = Pattern.compile("^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\\..*)?$", Pattern.CASE_INSENSITIVE);
    private static final Set<Character> FAT_FORBIDDEN = Set.of('"', '*', '/', ':', '<', '>', '?', '\\', '|');

    private SafeNames() {}

    /**
     * Why a bundle-relative path is not acceptable, or empty when it is. Checks the things that
     * could reach outside the bundle first, so those are what a reader sees.
     */
    public static Optional<String> problem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("empty path");
        }
        if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
            return Optional.of("absolute path; bundle paths are relative to the bundle directory");
        }
        if (path.contains("\\")) {
            return Optional.of("contains \"\\\"; bundle paths use \"/\" between directories");
        }
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                return Optional.of("leaves the bundle directory (\"..\")");
            }
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".")) {
                return Optional.of("has an empty or \".\" segment");
            }
        }
        if (path.length() > MAX_PATH) {
            return Optional.of("longer than " + MAX_PATH + " characters");
        }
        for (String segment : segments) {
            Optional<String> bad = segmentProblem(segment);
            if (bad.isPresent()) {
                return bad;
            }
        }
        return Optional.empty();
    }

    /** Why one file or directory name is not acceptable, or empty when it is. */
    public static Optional<String> segmentProblem(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || FAT_FORBIDDEN.contains(c)) {
                return Optional.of("not a valid file name on FAT32/exFAT (\"" + printable(c) + "\" is not allowed)");
            }
        }
        if (segment.length() > MAX_SEGMENT) {
            return Optional.of("name \"" + segment + "\" is longer than " + MAX_SEGMENT + " characters");
        }
        if (DEVICE.matcher(segment).matches()) {
            return Optional.of("\"" + segment + "\" is a reserved device name on FAT32/exFAT");
        }
        if (segment.endsWith(".")) {
            return Optional.of("name \"" + segment + "\" ends with \".\", which FAT32/exFAT drop");
        }
        if (!SEGMENT.matcher(segment).matches()) {
            return Optional.of("name \"" + segment + "\" uses characters outside A-Z a-z 0-9 . _ - (or does not start with a letter or digit)");
        }
        return Optional.empty();
    }

    /** The key under which FAT32 and exFAT see two names as the same file. */
    public static String caseFolded(String path) {
        return path.toLowerCase(Locale.ROOT);
    }

    /**
     * A FAT32-safe archive name for an image reference: readable part plus a short hash of the
     * full reference, so distinct references never collide ("quay.io/a/b:v1" -> quay.io_a_b_v1-1a2b3c4d.tar).
     */
    public static String imageArchiveName(String imageRef) {
        String readable = imageRef.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[^A-Za-z0-9]+", "");
        if (readable.length() > 100) {
            readable = readable.substring(0, 100);
        }
        String hash = HexFormat.of().formatHex(sha256(imageRef.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        return readable + "-" + hash + ".tar";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String printable(char c) {
        return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
