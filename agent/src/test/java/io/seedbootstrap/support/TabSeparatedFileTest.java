package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabSeparatedFileTest {
    @TempDir
    Path dir;

    @Test
    void rowsComeBackAsWrittenAndARowThatCouldNotBeReadBackIsLeftOut() throws IOException {
        Path file = dir.resolve("cache/sha256.cache");
        TabSeparatedFile.write(file, List.of(List.of("a", "1", "/bundle/x"), List.of("b", "2", "/bundle/with\ttab"),
                List.of("c", "3", "/bundle/with\nnewline"), List.of("d", "4", "/bundle/y")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(List.of("a", "1", "/bundle/x"), List.of("d", "4", "/bundle/y")),
                TabSeparatedFile.read(file, 3).stream().map(List::of).toList());
    }

    @Test
    void aLineWithOtherFieldsIsSkippedAndAMissingFileHasNoRows() throws IOException {
        Path file = Files.writeString(dir.resolve("damaged"), "a\t1\t/x\nonly-two\tfields\n\na\t2\t/y\tz\n");
        assertEquals(List.of(List.of("a", "1", "/x"), List.of("a", "2", "/y\tz")), TabSeparatedFile.read(file, 3).stream().map(List::of).toList());
        assertEquals(List.of(), TabSeparatedFile.read(dir.resolve("missing"), 3));
    }
}
