package io.seedbootstrap.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A directory the site filled with its own tools: every BOM file under its BOM file name, image
 * archives under images/NAME (docs/formats.md "Bill of materials"; bundle mirror-list prints the
 * names).
 */
public record LocalMirror(Path directory) implements ArtifactSource {
    @Override
    public Optional<Path> locate(BundlePlan.PlannedFile file) {
        Path candidate = directory.resolve(file.mirrorName());
        return Files.isRegularFile(candidate) && Files.isReadable(candidate) ? Optional.of(candidate) : Optional.empty();
    }

    @Override
    public String describe(BundlePlan.PlannedFile file) {
        return directory.resolve(file.mirrorName()).toString();
    }
}
