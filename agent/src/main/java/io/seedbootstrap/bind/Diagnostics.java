package io.seedbootstrap.bind;

import io.seedbootstrap.bind.source.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every finding of one load so they can be reported all at once. */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public void error(Position position, String path, String message) {
        items.add(Diagnostic.error(position, path, message));
    }

    public void warning(Position position, String path, String message) {
        items.add(Diagnostic.warning(position, path, message));
    }

    public void note(Position position, String path, String message) {
        items.add(Diagnostic.note(position, path, message));
    }

    public void add(Diagnostic diagnostic) {
        items.add(diagnostic);
    }

    public boolean hasErrorAt(String path) {
        return items.stream().anyMatch(d -> d.isError() && path.equals(d.path()));
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    /** In file order, so a reader can walk the file top to bottom. */
    public List<Diagnostic> sorted() {
        return items.stream()
                .sorted(Comparator.comparing((Diagnostic d) -> String.valueOf(d.position().file()))
                        .thenComparingInt(d -> d.position().line())
                        .thenComparingInt(d -> d.position().column()))
                .toList();
    }
}
