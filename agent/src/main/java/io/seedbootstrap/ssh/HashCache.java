package io.seedbootstrap.ssh;

import io.seedbootstrap.support.TabSeparatedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * sha256 of local files, remembered by absolute path, size and modification time so a re-run
 * does not re-read gigabytes. Kept in a small text file (one line per file:
 * {@code sha256 TAB size TAB mtime-ns TAB path}) written atomically; a file that cannot be read
 * or parsed is treated as empty. Without a file the cache lives for this process only.
 */
public final class HashCache {
    private static final int BUFFER = 1 << 20;

    private record Key(String path, long size, long mtimeNanos) {}

    private final Path file;
    private final Map<Key, String> entries = new LinkedHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();

    public HashCache(Path file) {
        this.file = file;
        load();
    }

    public static HashCache inMemory() {
        return new HashCache(null);
    }

    /** Hex sha256 of the whole file, from the cache when path, size and mtime still match. */
    public String sha256(Path path) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
        Key key = new Key(abs.toString(), a.size(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                + a.lastModifiedTime().toInstant().getNano());
        synchronized (this) {
            String known = entries.get(key);
            if (known != null) {
                return known;
            }
        }
        String hex = prefixSha256(abs, a.size());
        remember(key, hex);
        return hex;
    }

    /** The cached hash of this file if path, size and mtime still match; never reads the file. */
    public synchronized java.util.Optional<String> cached(Path path, long size, long mtimeNanos) {
        return java.util.Optional.ofNullable(entries.get(new Key(path.toAbsolutePath().normalize().toString(), size, mtimeNanos)));
    }

    /** Records a hash computed elsewhere (e.g. while sending), if the file is unchanged since. */
    public void put(Path path, long size, long mtimeNanos, String hex) {
        Path abs = path.toAbsolutePath().normalize();
        remember(new Key(abs.toString(), size, mtimeNanos), hex);
    }

    /** Hex sha256 of the first {@code length} bytes (not cached: used to check resumable prefixes). */
    public String prefixSha256(Path path, long length) throws IOException {
        return HexFormat.of().formatHex(prefixDigest(path, length).digest());
    }

    /** A SHA-256 digest fed with the first {@code length} bytes, to be continued by the caller. */
    public MessageDigest prefixDigest(Path path, long length) throws IOException {
        MessageDigest md = newDigest();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long left = length;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (left > 0) {
                buf.clear();
                if (left < buf.capacity()) {
                    buf.limit((int) left);
                }
                int n = ch.read(buf);
                if (n < 0) {
                    throw new IOException(path + " is shorter than " + length + " bytes");
                }
                md.update(buf.array(), 0, n);
                left -= n;
            }
        }
        bytesHashed.addAndGet(length);
        return md;
    }

    /** Local bytes read for hashing by this instance (lets tests see that a re-run hashed nothing). */
    public long bytesHashed() {
        return bytesHashed.get();
    }

    public static long mtimeNanos(Path path) throws IOException {
        var t = Files.getLastModifiedTime(path).toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private synchronized void remember(Key key, String hex) {
        entries.entrySet().removeIf(e -> e.getKey().path().equals(key.path()));
        entries.put(key, hex);
        save();
    }

    private void load() {
        for (String[] f : TabSeparatedFile.read(file, 4)) {
            if (f[0].matches("[0-9a-f]{64}")) {
                try {
                    entries.put(new Key(f[3], Long.parseLong(f[1]), Long.parseLong(f[2])), f[0]);
                } catch (NumberFormatException ignored) {
                    // a damaged line is just not cached
                }
            }
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        entries.forEach((key, sha256) -> rows.add(List.of(sha256, Long.toString(key.size()), Long.toString(key.mtimeNanos()), key.path())));
        try {
            TabSeparatedFile.write(file, rows);
        } catch (IOException ignored) {
            // not fatal: the next run hashes again
        }
    }
}
