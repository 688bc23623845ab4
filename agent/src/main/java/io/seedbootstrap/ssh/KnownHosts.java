package io.seedbootstrap.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSSH known_hosts file, parsed without sshj so it can be tested on its own: plain and
 * hashed ({@code |1|salt|hash}) host names, {@code [host]:port} for ports other than 22,
 * patterns with {@code *}, {@code ?} and {@code !} negation, and the {@code @revoked} and
 * {@code @cert-authority} markers. Keys are compared as raw blobs, so any key type works.
 * Lines that cannot be parsed are kept as {@link #problems()} and never match.
 */
public final class KnownHosts {

    public enum Marker { NONE, REVOKED, CERT_AUTHORITY }

    /** One usable line of the file. {@code line} counts from 1. */
    public record Entry(int line, Marker marker, String hostPatterns, String keyType, byte[] keyBlob) {
        public String fingerprint() {
            return Fingerprints.sha256(keyBlob);
        }

        /** True when this line's host field covers the lookup name ({@link #lookupName}). */
        public boolean appliesTo(String lookupName) {
            return matchHostList(hostPatterns, lookupName);
        }

        public boolean sameKey(byte[] blob) {
            return MessageDigest.isEqual(keyBlob, blob);
        }
    }

    private final String source;
    private final List<Entry> entries;
    private final List<String> problems;

    private KnownHosts(String source, List<Entry> entries, List<String> problems) {
        this.source = source;
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    public static KnownHosts empty(String source) {
        return new KnownHosts(source, List.of(), List.of());
    }

    /** Parses the text of a known_hosts file; {@code source} names it in messages. */
    public static KnownHosts parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                entries.add(parseLine(i + 1, line));
            } catch (IllegalArgumentException e) {
                problems.add(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return new KnownHosts(source, entries, problems);
    }

    private static Entry parseLine(int lineNo, String line) {
        String[] f = line.split("\\s+");
        int i = 0;
        Marker marker = Marker.NONE;
        if (f[0].startsWith("@")) {
            marker = switch (f[0]) {
                case "@revoked" -> Marker.REVOKED;
                case "@cert-authority" -> Marker.CERT_AUTHORITY;
                default -> throw new IllegalArgumentException("unknown marker " + f[0]);
            };
            i++;
        }
        if (f.length < i + 3) {
            throw new IllegalArgumentException("expected [marker] hosts keytype base64-key [comment]");
        }
        String hosts = f[i];
        String type = f[i + 1];
        if (type.matches("\\d+")) {
            throw new IllegalArgumentException("SSH protocol 1 keys are not supported");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(f[i + 2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not valid base64");
        }
        String blobType = blobType(blob);
        if (blobType == null || !blobType.equals(type)) {
            throw new IllegalArgumentException("key type " + type + " does not match the key data"
                    + (blobType == null ? "" : " (" + blobType + ")"));
        }
        return new Entry(lineNo, marker, hosts, type, blob);
    }

    /** The algorithm name at the start of an SSH public key blob, or null if it is not one. */
    public static String blobType(byte[] blob) {
        if (blob.length < 4) {
            return null;
        }
        int len = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (len <= 0 || len > 64 || 4 + len > blob.length) {
            return null;
        }
        return new String(blob, 4, len, StandardCharsets.US_ASCII);
    }

    /** How OpenSSH names a host in known_hosts: {@code host} on port 22, else {@code [host]:port}. */
    public static String lookupName(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1); // an IPv6 literal given in brackets
        }
        return port == 22 ? h : "[" + h + "]:" + port;
    }

    /** A line OpenSSH would write for this host and key. */
    public static String line(String host, int port, byte[] blob) {
        return lookupName(host, port) + " " + blobType(blob) + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** Every entry (any marker, any key type) whose host field covers this host and port. */
    public List<Entry> entriesFor(String host, int port) {
        String name = lookupName(host, port);
        return entries.stream().filter(e -> e.appliesTo(name)).toList();
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<String> problems() {
        return problems;
    }

    public String source() {
        return source;
    }

    // --- host patterns (OpenSSH match_hostname semantics) ------------------------------------

    static boolean matchHostList(String list, String name) {
        boolean matched = false;
        for (String p : list.split(",")) {
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("|")) {
                if (matchHashed(p, name)) {
                    matched = true;
                }
                continue;
            }
            boolean negated = p.startsWith("!");
            String pattern = (negated ? p.substring(1) : p).toLowerCase(Locale.ROOT);
            if (glob(pattern, 0, name, 0)) {
                if (negated) {
                    return false; // a matching negation wins over any positive match
                }
                matched = true;
            }
        }
        return matched;
    }

    /** {@code |1|base64(salt)|base64(HMAC-SHA1(salt, name))}, as ssh-keygen -H writes it. */
    static boolean matchHashed(String field, String name) {
        String[] parts = field.split("\\|");
        // "", "1", salt, hash
        if (parts.length != 4 || !parts[1].equals("1")) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** A hashed host field for {@code name} with the given salt (20 random bytes in OpenSSH). */
    public static String hashName(String name, byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] h = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA1", e);
        }
    }

    /**
     * Glob with {@code *} (any run) and {@code ?} (one character), in time linear in
     * pattern × name: backtracking only to the last {@code *} (a line of many stars made the
     * recursive version run for hours; found by KnownHostsFuzzTest).
     */
    private static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int resume = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || (p.charAt(pi) != '*' && p.charAt(pi) == s.charAt(si)))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                resume = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @Override
    public String toString() {
        return "KnownHosts[" + source + ", " + entries.size() + " entries]";
    }
}
