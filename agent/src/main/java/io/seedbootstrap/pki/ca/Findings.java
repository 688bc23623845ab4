package io.seedbootstrap.pki.ca;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects `pki show` findings, with paths relative to the PKI directory. */
final class Findings {
    private final PkiLayout layout;
    private final List<Finding> findings = new ArrayList<>();

    Findings(PkiLayout layout) {
        this.layout = layout;
    }

    void error(Path path, String message) {
        add(Finding.Severity.ERROR, path, message);
    }

    void warning(Path path, String message) {
        add(Finding.Severity.WARNING, path, message);
    }

    void info(Path path, String message) {
        add(Finding.Severity.INFO, path, message);
    }

    private void add(Finding.Severity severity, Path path, String message) {
        Finding finding = new Finding(severity, layout.relative(path), message);
        if (!findings.contains(finding)) {
            findings.add(finding);
        }
    }

    List<Finding> list() {
        return List.copyOf(findings);
    }
}
