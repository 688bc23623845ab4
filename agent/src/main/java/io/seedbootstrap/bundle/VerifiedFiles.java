package io.seedbootstrap.bundle;

import io.seedbootstrap.support.TabSeparatedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bundle files that hashed to their manifest's sha256 in an earlier verification, remembered by
 * real path and the file's state on disk: size, modification time, change time (ctime, which no
 * user can set back) and inode. A re-run of install on the same, untouched bundle then checks the
 * signature, the manifest and the listing as always, but does not read gigabytes again (issue 22,
 * P3). Kept in a small text file ({@code sha256 TAB size TAB mtime-ns TAB ctime-ns TAB inode TAB
 * path}, 0600, written atomically); a file that cannot be read or parsed is treated as empty.
 *
 * <p>Why skipping is safe: this record only saves the early check (a damaged bundle refused before
 * any host is touched). It never decides what is installed: every consumer of a bundle file checks
 * the signed manifest's sha256 again while it reads the bytes (uploads carry it as the expected
 * content, {@code ssh.Upload#expecting}; {@link VerifiedBundle#open} re-verifies while streaming).
 * So a file changed after it was remembered — even one whose times were forged — is refused by
 * name when it is used, and nothing of it lands on a host. The entry is only trusted for the exact
 * sha256 the manifest now asks for: a re-signed manifest expecting other content re-hashes.
 */
public final class VerifiedFiles {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A file's state on disk, read without following links. */
    record State(long size, long mtimeNanos, long ctimeNanos, String inode) {
        static Optional<State> of(Path file) {
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,dev", LinkOption.NOFOLLOW_LINKS);
                return Optional.of(new State((Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
                        nanos((FileTime) a.get("ctime")), a.get("dev") + ":" + a.get("ino")));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return Optional.empty(); // no unix view (not Linux/macOS): nothing is remembered, everything is hashed
            }
        }

        private static long nanos(FileTime time) {
            var t = time.toInstant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
    }

    private record Entry(String sha256, State state) {}

    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private VerifiedFiles(Path file) {
        this.file = file;
        load();
    }

    /** Remembered in {@code file} across runs. */
    public static VerifiedFiles at(Path file) {
        return new VerifiedFiles(Objects.requireNonNull(file, "file"));
    }

    /** Remembers nothing: every verification hashes every file (bundle verify, tests). */
    public static VerifiedFiles none() {
        return new VerifiedFiles(null);
    }

    /** {@code $XDG_CACHE_HOME/seed-bootstrap/bundle-verified.cache}, else ~/.cache/seed-bootstrap/bundle-verified.cache. */
    public static Path defaultFile(io.seedbootstrap.support.Environment environment, Path home) {
        Path base = environment.get("XDG_CACHE_HOME").filter(s -> !s.isBlank()).map(Path::of).orElse(home.resolve(".cache"));
        return base.resolve("seed-bootstrap").resolve("bundle-verified.cache");
    }

    boolean remembers() {
        return file != null;
    }

    /** Whether {@code path} (a real path), as it is now on disk, hashed to {@code sha256} before. */
    synchronized boolean verified(Path path, String sha256, State now) {
        Entry entry = entries.get(path.toString());
        return file != null && entry != null && entry.sha256().equals(sha256) && entry.state().equals(now);
    }

    /** Whether {@code path} (a real path), as it is now on disk, hashed right before, to whatever sha256 was asked then. */
    synchronized boolean knows(Path path, State now) {
        Entry entry = entries.get(path.toString());
        return file != null && entry != null && entry.state().equals(now);
    }

    /** Records that {@code path} in state {@code state} hashed to {@code sha256}; saved by {@link #save}. */
    synchronized void remember(Path path, String sha256, State state) {
        if (file != null) {
            entries.remove(path.toString());
            entries.put(path.toString(), new Entry(sha256, state));
        }
    }

    /** Forgets {@code path} (it failed verification). */
    synchronized void forget(Path path) {
        entries.remove(path.toString());
    }

    /** Writes the record (atomically, 0600); failing to is not fatal: the next run hashes again. */
    synchronized void save() {
        if (file == null) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        entries.forEach((path, e) -> rows.add(List.of(e.sha256(), Long.toString(e.state().size()), Long.toString(e.state().mtimeNanos()),
                Long.toString(e.state().ctimeNanos()), e.state().inode(), path)));
        try {
            TabSeparatedFile.write(file, rows);
        } catch (IOException | UnsupportedOperationException e) {
            // only costs time
        }
    }

    private void load() {
        for (String[] f : TabSeparatedFile.read(file, 6)) {
            if (SHA256.matcher(f[0]).matches()) {
                try {
                    entries.put(f[5], new Entry(f[0], new State(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4])));
                } catch (NumberFormatException ignored) {
                    // a damaged line is just not remembered
                }
            }
        }
    }
}
