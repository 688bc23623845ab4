package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Upstream's own unmodified files, pinned in {@code ../shared/upstream} beside the repository
 * (its README has the table of projects, refs and licences; docs/upstream-conformance.md says how
 * to move them). Never copied into the repository: tests read them in place and make scratch
 * copies where a file must be filled the way upstream's release does.
 */
final class Upstream {
    /** Relative to the agent module, where Maven runs the tests: the repository root is "..". */
    static final Path ROOT = Path.of("../../shared/upstream").toAbsolutePath().normalize();

    private Upstream() {}

    static Path path(String relative) {
        Path path = ROOT.resolve(relative);
        assertTrue(Files.exists(path), () -> "upstream file " + path + " is missing: the conformance tests need ../shared/upstream "
                + "beside the repository (see docs/upstream-conformance.md)");
        return path;
    }
}
