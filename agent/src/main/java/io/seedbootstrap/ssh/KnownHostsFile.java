package io.seedbootstrap.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The known_hosts file on the operator's machine. Read afresh for every check (another
 * connection of this run may have just added a key), appended to under a file lock, never
 * rewritten: a line the operator wrote is never changed or removed by us.
 */
public final class KnownHostsFile {
    private final Path path;

    public KnownHostsFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    public Path path() {
        return path;
    }

    /** The file's current entries; a missing file is an empty one. */
    public synchronized KnownHosts read() {
        try {
            if (!Files.exists(path)) {
                return KnownHosts.empty(path.toString());
            }
            return KnownHosts.parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known_hosts " + path, e);
        }
    }

    /**
     * Appends {@code line} unless the file (re-read under the lock) already trusts this key for
     * this host. Creates the file 0600 and its folder 0700 when missing.
     */
    public synchronized void append(String host, int port, byte[] blob) {
        try {
            Path dir = path.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(path)) {
                try {
                    Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process made it; fine
                }
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                String text = readAll(ch);
                KnownHosts now = KnownHosts.parse(text, path.toString());
                boolean present = now.entriesFor(host, port).stream()
                        .anyMatch(e -> e.marker() == KnownHosts.Marker.NONE && e.sameKey(blob));
                if (present) {
                    return;
                }
                String prefix = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
                byte[] add = (prefix + KnownHosts.line(host, port, blob) + "\n").getBytes(StandardCharsets.UTF_8);
                ch.position(ch.size());
                ByteBuffer b = ByteBuffer.wrap(add);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to known_hosts " + path, e);
        }
    }

    private static String readAll(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) ch.size());
        ch.position(0);
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // fill
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
