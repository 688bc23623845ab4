package io.seedbootstrap.pki;

import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes the PKI directory's files with their modes (directories 0700, keys and tokens 0600,
 * certificates 0644): always to a temporary name first, then renamed into place, so a crash
 * never leaves half a key behind. Every failure names the path and what to do.
 */
final class SecureFiles {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {}

    /** Creates the directory (and missing parents inside it) with mode 0700, or tightens an existing one. */
    static void ensureDirectory(Path dir) {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
                throw SeedException.badInput(dir + " exists but is not a directory; point pki.dir at a directory (or a path to create)");
            }
            if (!Files.isDirectory(dir)) {
                Path parent = dir.getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    ensureDirectory(parent);
                }
                Files.createDirectory(dir);
            }
            if (!Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
                Files.setPosixFilePermissions(dir, DIRECTORY);
            }
        } catch (IOException e) {
            throw unwritable(dir, e);
        }
    }

    static void writePrivate(Path file, String content) {
        write(file, content, PRIVATE);
    }

    static void writePublic(Path file, String content) {
        write(file, content, PUBLIC);
    }

    private static void write(Path file, String content, Set<PosixFilePermission> mode) {
        ensureDirectory(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PRIVATE));
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temporary, mode);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw unwritable(file, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** "0600" for a file, or null if it cannot be read. */
    static String mode(Path file) {
        try {
            return octal(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    static String octal(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission permission : permissions) {
            bits |= 1 << (8 - permission.ordinal());
        }
        return String.format("0%o", bits);
    }

    static SeedException unwritable(Path path, IOException e) {
        return SeedException.badInput("cannot write " + path + " (" + reason(e) + "); pki.dir must be a directory you can create and write");
    }

    static SeedException unreadable(Path path, IOException e) {
        return SeedException.badInput("cannot read " + path + " (" + reason(e) + "); check the path and its permissions");
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
