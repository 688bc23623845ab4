package io.seedbootstrap.cli;

import io.seedbootstrap.bind.Diagnostic;
import java.io.PrintWriter;
import java.util.List;

/** Printing helpers shared by commands. */
final class Output {
    private Output() {}

    static void printDiagnostics(PrintWriter err, List<Diagnostic> diagnostics) {
        for (Diagnostic diagnostic : diagnostics) {
            err.println(diagnostic.render());
        }
        err.flush();
    }
}
