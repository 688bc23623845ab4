package io.seedbootstrap.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Sources tried in order: e.g. a local mirror first, then the internet. */
public record ArtifactSources(List<ArtifactSource> sources) implements ArtifactSource {
    public ArtifactSources {
        sources = List.copyOf(sources);
    }

    @Override
    public Optional<Path> locate(BundlePlan.PlannedFile file) throws IOException {
        for (ArtifactSource source : sources) {
            Optional<Path> found = source.locate(file);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe(BundlePlan.PlannedFile file) {
        return sources.get(0).describe(file);
    }
}
