package io.seedbootstrap.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files on the operator's machine that may hold secrets (kubeconfigs, support bundles, DR archives,
 * caches): mode 0600 from their first byte and whole or absent. Each is written to a 0600 temporary
 * file in the target's folder (so the rename cannot cross file systems) and renamed over the target
 * only once complete; a failure leaves the target as it was and removes the temporary file.
 */
public final class PrivateFiles {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Writes the bytes of a file into the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private PrivateFiles() {}

    /** Writes {@code text} (UTF-8) to {@code target} as described above. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes what {@code content} produces to {@code target} as described above. */
    public static void write(Path target, Content content) throws IOException {
        Path temp = createTempBeside(target, ".new");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                content.writeTo(out);
            }
            replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A new empty 0600 file beside {@code target} (its folder created if missing), for a writer that
     * streams over a longer time and renames it with {@link #replace} when done.
     */
    public static Path createTempBeside(Path target, String suffix) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + target.getFileName(), suffix, OWNER_ONLY);
    }

    /** Renames a finished temporary file over {@code target} in one step: readers see the old file or the new one. */
    public static void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
