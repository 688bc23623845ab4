package io.seedbootstrap.ssh;

import io.seedbootstrap.inventory.model.Ssh;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
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
    /** The largest known_hosts read (inventory.model.Ssh says why). */
    public static final long MAX_BYTES = Ssh.KNOWN_HOSTS_MAX_BYTES;

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
            requireUsable(path);
            try (InputStream in = Files.newInputStream(path)) {
                return KnownHosts.parse(new String(readBounded(in), StandardCharsets.UTF_8), path.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known_hosts " + path, e);
        }
    }

    private static void requireUsable(Path file) throws IOException {
        String problem = Ssh.knownHostsProblem(file);
        if (problem != null) {
            throw SeedException.badInput("known_hosts " + problem + " (ssh.knownHosts)");
        }
    }

    /** At most MAX_BYTES, whatever the file grew to since it was checked. */
    private byte[] readBounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw SeedException.badInput("known_hosts " + path + " is larger than " + MAX_BYTES + " bytes (ssh.knownHosts)");
        }
        return bytes;
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
            requireUsable(path);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                String text = new String(readBounded(java.nio.channels.Channels.newInputStream(ch.position(0))), StandardCharsets.UTF_8);
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

    @Override
    public String toString() {
        return path.toString();
    }
}
