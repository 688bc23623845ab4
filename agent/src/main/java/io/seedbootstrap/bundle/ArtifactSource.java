package io.seedbootstrap.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where bundle create gets the content of a planned file: a local mirror directory, HTTP(S)
 * downloads, or images saved from their registries. Each hands back a local file, so the
 * builder's copy, split, hash and sign path stays the same.
 */
public interface ArtifactSource {
    /** A readable local file with the content of {@code file}, or empty when this source does not have it. */
    Optional<Path> locate(BundlePlan.PlannedFile file) throws IOException;

    /** Where this source looked for {@code file}, for messages. */
    String describe(BundlePlan.PlannedFile file);
}
