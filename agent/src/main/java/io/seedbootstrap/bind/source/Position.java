package io.seedbootstrap.bind.source;

import java.nio.file.Path;

/** A place in an input file, 1-based, as editors show it. */
public record Position(Path file, int line, int column) {
    public static Position unknown(Path file) {
        return new Position(file, 0, 0);
    }

    @Override
    public String toString() {
        String name = file == null ? "<input>" : file.toString();
        return line <= 0 ? name : name + ":" + line + ":" + column;
    }
}
