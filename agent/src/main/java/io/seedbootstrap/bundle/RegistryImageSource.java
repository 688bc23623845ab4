package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.registry.ImageArchives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * bundle create --download for image archives (the seed charts' and the catalog's): pulls each BOM image from its registry (by the
 * pinned digest when there is one) into CACHE/images as an OCI layout tar that RKE2 imports
 * from agent/images (contract A.3). A finished archive in the cache is reused: its name carries
 * a hash of the pinned reference, and it only appears once complete.
 */
public record RegistryImageSource(ImageArchives archives, Path cacheDirectory, Arch arch) implements ArtifactSource {
    @Override
    public Optional<Path> locate(BundlePlan.PlannedFile file) throws IOException {
        if ((file.kind() != FileKind.IMAGE_ARCHIVE && file.kind() != FileKind.CATALOG_IMAGE) || file.image() == null) {
            return Optional.empty();
        }
        Path target = cacheDirectory.resolve("images").resolve(SafeNames.imageArchiveName(file.image()));
        if (Files.isRegularFile(target)) {
            return Optional.of(target);
        }
        archives.save(file.image(), arch.key(), target);
        return Optional.of(target);
    }

    @Override
    public String describe(BundlePlan.PlannedFile file) {
        return "registry image " + file.image();
    }
}
