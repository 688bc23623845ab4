package io.seedbootstrap.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Files on one host, all as root. Reads never change anything. Writes land atomically: content
 * goes to a hidden temporary name beside the target (umask 077), gets its mode, and is renamed
 * into place, so a reader never sees half a file; content travels on stdin, never in argv, so it
 * may be secret.
 */
public interface NodeFiles {

    /** What a path holds: the sha256 of its content and its mode ("0600"). */
    record State(String sha256, String mode) {
        /** Whether the host's file has exactly this content and mode. */
        public boolean matches(byte[] content, String wantedMode) {
            return sha256.equals(NodeFiles.sha256(content)) && mode.equals(NodeFiles.normalMode(wantedMode));
        }
    }

    /** One file of a {@link #writeAll} set, relative to the folder. */
    record NewFile(String relativePath, byte[] content, String mode) {}

    /**
     * A bundle file to put on a host, checked against the signed manifest's sha256 while it is sent
     * and again on the host. A file stored as parts on the removable medium is sent part by part
     * and joined on the host.
     */
    record Copy(Path source, String target, String mode, String sha256, long size, List<Part> parts) {
        public Copy {
            parts = List.copyOf(parts);
        }

        /** One stored part of a split file. */
        public record Part(Path source, String name, String sha256, long size) {}

        public boolean split() {
            return !parts.isEmpty();
        }
    }

    /** Bytes streamed to the host (a snapshot out of a sealed archive); its toString names it, never its content. */
    @FunctionalInterface
    interface Source {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * sha256 and mode of every path that is a regular file; missing paths are left out. One command.
     * A file {@link #rememberVerified} recorded is not read again while it is untouched since (same
     * size, modification and change time, inode and device): its recorded sha256 is the answer.
     */
    Map<String, State> states(Collection<String> paths);

    /**
     * Records, for {@link #states}, that each file was just placed with this sha256 (checked on the
     * host before it was renamed into place), keyed by how it is on disk now; in
     * {@value #VERIFIED_DIR} (root only). A later write changes the file's change time, which no one
     * but root can set, so the record no longer matches and the file is hashed again. Call it in the
     * change that placed the files.
     */
    void rememberVerified(Map<String, String> sha256ByPath);

    /** Where {@link #rememberVerified} keeps its records (docs/formats.md "On-host state"). */
    String VERIFIED_DIR = NodeSystem.STATE_DIR + "/verified";

    default Optional<State> state(String path) {
        return Optional.ofNullable(states(List.of(path)).get(path));
    }

    /** The path exists (file or folder). */
    boolean exists(String path);

    /** Those of {@code paths} that exist, in the given order. One command. */
    List<String> existing(Collection<String> paths);

    /** The path is a file that is not empty. */
    boolean hasContent(String path);

    /** Both files hold the same text, trailing newlines aside; compared on the host, so neither leaves it. */
    boolean sameContent(String a, String b);

    /** A text file's content; a missing file is an error. The text passes the run's redaction. */
    String read(String path);

    /** A text file's content, or empty when the file is missing. */
    Optional<String> readIfPresent(String path);

    /** A small file's bytes exactly as they are (not redacted: it may be a token), empty when missing. */
    Optional<byte[]> fetch(String path);

    /** Streams a file into {@code sink}, never whole in memory; bounded by {@code timeout}. */
    void download(String path, OutputStream sink, Duration timeout);

    /** A file's size in bytes. */
    long size(String path);

    /** The regular files directly in each folder whose names start with a letter or digit, sorted per folder; missing folders give none. */
    List<String> list(List<String> folders);

    /** Writes {@code content} with {@code mode} (octal); missing folders are created 0755, existing ones keep theirs. */
    void write(String path, byte[] content, String mode);

    default void write(String path, String content, String mode) {
        write(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /**
     * Writes a set of files into {@code folder} (created, or set, to {@code folderMode}) in one
     * transfer on stdin, each with its own mode; other files in the folder stay.
     *
     * @param display how the set is named in logs (its content never is)
     */
    void writeAll(String folder, String folderMode, List<NewFile> files, String display);

    /** Copies a file on the host to {@code target} with {@code mode}. */
    void copy(String source, String target, String mode);

    /**
     * Streams {@code source} to {@code target} (its folder created 0700), checks it has
     * {@code sha256} on the host and renames it into place (0600); a mismatch leaves nothing.
     */
    void receive(String target, String sha256, Source source, String display, Duration timeout);

    /** Puts a bundle file on the host (see {@link Copy}); {@code gate} bounds the uploads sending at once. */
    void upload(Copy copy, Semaphore gate);

    /** Removes a file; a missing one is fine. */
    void remove(String path);

    /** Removes a folder and everything in it; a missing one is fine. */
    void removeTree(String path);

    /** The sha256 a host reports for this content. */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    /** "600" and "0600" alike. */
    static String normalMode(String mode) {
        return "0" + mode.replaceFirst("^0+(?=.)", "");
    }
}
