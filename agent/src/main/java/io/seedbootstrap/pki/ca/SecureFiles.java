package io.seedbootstrap.pki.ca;

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

    /**
     * Creates the directory (and missing parents) with mode 0700. An existing directory keeps
     * its mode: it may be the inventory's folder or a shared one (a sticky 1777 directory must
     * not lose its bit), so it is never chmod'ed; one that others can write is refused instead
     * (they could swap a key or token file).
     */
    static void ensureDirectory(Path dir) {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
                throw SeedException.badInput(dir + " exists but is not a directory; point pki.dir at a directory (or a path to create)");
            }
            if (Files.isDirectory(dir)) {
                refuseWritableByOthers(dir);
                return;
            }
            Path parent = dir.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                ensureDirectory(parent);
            }
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, DIRECTORY); // ours, just made: 0700 whatever the umask
        } catch (IOException e) {
            throw unwritable(dir, e);
        }
    }

    /** Exit 2 when the group or others may write {@code dir}. */
    static void refuseWritableByOthers(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        boolean group = mode.contains(PosixFilePermission.GROUP_WRITE);
        boolean others = mode.contains(PosixFilePermission.OTHERS_WRITE);
        if (group || others) {
            Object unixMode = Files.getAttribute(dir, "unix:mode");
            throw SeedException.badInput(dir + " is writable by " + (group && others ? "its group and others" : group ? "its group" : "others")
                    + " (mode " + String.format("%04o", ((Integer) unixMode) & 07777) + "); the PKI directory holds keys and tokens: "
                    + "point pki.dir at a directory only you can write (a new path is created 0700), or run chmod go-w " + dir);
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
