package io.seedbootstrap.phase.install;

import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;

/** The bundle's chart archives for the seed apps: read (verified while streaming) only when rendered. */
final class BundleCharts {
    private BundleCharts() {}

    static SeedApps.Charts of(VerifiedBundle bundle) {
        return name -> bundle.manifest().filesOfKind(FileKind.CHART).stream()
                .filter(f -> name.equals(f.chart()))
                .findFirst()
                .map(f -> new SeedApps.Chart(name, f.version(), f.size(), () -> read(bundle, f)));
    }

    private static byte[] read(VerifiedBundle bundle, ManifestFile file) {
        try (InputStream in = bundle.open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, "cannot read " + file.path() + " from the bundle: " + e.getMessage(), e);
        }
    }
}
