package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.registry.ImageArchives;
import io.seedbootstrap.registry.RegistryAccess;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Sources tried in order: e.g. a local mirror first, then the internet. */
public record ArtifactSources(List<ArtifactSource> sources) implements ArtifactSource {
    public ArtifactSources {
        sources = List.copyOf(sources);
    }

    /**
     * What {@code bundle create --download} adds after a local mirror.
     *
     * @param cacheDirectory where downloads are kept and resumed
     * @param environment    https_proxy, http_proxy, no_proxy
     * @param registryCaFile PEM CA certificates to trust for image registries; null: the JDK's roots
     * @param log            the downloader's lines for the operator
     */
    public record Downloads(Path cacheDirectory, Environment environment, Path registryCaFile, Consumer<String> log) {}

    /**
     * The sources of one bundle build, tried in order: the local mirror, then the BOM's URLs
     * (resuming downloads through the proxy) and the charts' images pulled from their registries.
     * Empty when neither is given.
     *
     * @param mirror    a local mirror directory (every BOM file under its name), or null
     * @param downloads or null: nothing is downloaded
     * @param arch      the images' platform (the BOM's)
     */
    public static ArtifactSources forBuild(Path mirror, Downloads downloads, Arch arch) {
        List<ArtifactSource> sources = new ArrayList<>();
        if (mirror != null) {
            if (!Files.isDirectory(mirror)) {
                throw SeedException.badInput("--mirror " + mirror + ": no such directory");
            }
            sources.add(new LocalMirror(mirror));
        }
        if (downloads != null) {
            ProxySettings proxy;
            try {
                proxy = ProxySettings.from(downloads.environment());
            } catch (IllegalArgumentException e) {
                throw SeedException.badInput(e.getMessage());
            }
            sources.add(new HttpDownloader(HttpDownloader.Settings.defaults(downloads.cacheDirectory(), proxy), downloads.log()));
            RegistryAccess access = RegistryAccess.checked(downloads.registryCaFile(), null, null, line -> { });
            sources.add(new RegistryImageSource(new ImageArchives(access), downloads.cacheDirectory(), arch));
        }
        return new ArtifactSources(sources);
    }

    public boolean isEmpty() {
        return sources.isEmpty();
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
