package io.seedbootstrap.bind;

import io.seedbootstrap.bind.source.Position;

/**
 * One finding about an input file: where (file, line, column, YAML path), what is wrong, and what
 * to do about it. Rendered on one line so errors can be grepped and compared in tests.
 */
public record Diagnostic(Severity severity, Position position, String path, String message) {
    public enum Severity { ERROR, WARNING, NOTE }

    public static Diagnostic error(Position position, String path, String message) {
        return new Diagnostic(Severity.ERROR, position, path, message);
    }

    public static Diagnostic warning(Position position, String path, String message) {
        return new Diagnostic(Severity.WARNING, position, path, message);
    }

    public static Diagnostic note(Position position, String path, String message) {
        return new Diagnostic(Severity.NOTE, position, path, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: hosts[1].role: message} */
    public String render() {
        String where = path == null || path.isEmpty() ? "" : path + ": ";
        return position + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + where + message;
    }

    @Override
    public String toString() {
        return render();
    }
}
