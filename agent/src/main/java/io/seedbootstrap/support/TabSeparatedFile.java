package io.seedbootstrap.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The small caches on the operator's machine that only save time (sha256 by file): one line per
 * row, fields separated by tabs, the file read whole and written whole through {@link PrivateFiles}
 * (0600, atomic). Losing one costs a re-hash, never a wrong answer, so reading is lenient.
 */
public final class TabSeparatedFile {
    private TabSeparatedFile() {}

    /**
     * The rows of {@code file} that have {@code columns} fields (the last one keeps any further
     * tabs); other lines are left out, and a missing or unreadable file reads as no rows.
     */
    public static List<String[]> read(Path file, int columns) {
        List<String[]> rows = new ArrayList<>();
        if (file == null || !Files.isRegularFile(file)) {
            return rows;
        }
        try {
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
                String[] fields = line.split("\t", columns);
                if (fields.length == columns) {
                    rows.add(fields);
                }
            }
        } catch (IOException e) {
            rows.clear();
        }
        return rows;
    }

    /** Writes {@code rows} to {@code file}, leaving out a row with a tab or a newline inside a field (it could not be read back). */
    public static void write(Path file, List<List<String>> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            if (row.stream().noneMatch(field -> field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0)) {
                out.append(String.join("\t", row)).append('\n');
            }
        }
        PrivateFiles.writeString(file, out.toString());
    }
}
