package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileIsOwnerOnlyAndAnExistingOneIsReplacedWhole() throws IOException {
        Path target = dir.resolve("sub/seed.kubeconfig");
        PrivateFiles.writeString(target, "first");
        assertEquals("first", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));

        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
                "the replacement is a new 0600 file, not the old file's mode");
        assertEquals(List.of(target), files(target.getParent()), "no temporary file left");
    }

    @Test
    void aFailedWriteLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("support.tar.gz");
        PrivateFiles.writeString(target, "the old bundle");
        IOException failure = assertThrows(IOException.class, () -> PrivateFiles.write(target, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("the old bundle", Files.readString(target));
        assertEquals(List.of(target), files(dir));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }
}
