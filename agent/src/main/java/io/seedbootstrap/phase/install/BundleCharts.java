package io.seedbootstrap.phase.install;

import io.seedbootstrap.apps.CatalogApps;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.bundle.bom.Bom;
import io.seedbootstrap.bundle.bom.BomCatalogEntry;
import io.seedbootstrap.bundle.bom.BomLoader;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The bundle's chart archives for the seed apps: read (verified while streaming) only when rendered. */
final class BundleCharts {
    private BundleCharts() {}

    static SeedApps.Charts of(VerifiedBundle bundle) {
        return new SeedApps.Charts() {
            @Override
            public Optional<SeedApps.Chart> find(String name) {
                return bundle.manifest().filesOfKind(FileKind.CHART).stream()
                        .filter(f -> name.equals(f.chart()))
                        .findFirst()
                        .map(f -> new SeedApps.Chart(name, f.version(), f.size(), () -> read(bundle, f)));
            }

            @Override
            public CatalogApps.Entries catalog() {
                return catalogOf(bundle);
            }
        };
    }

    /**
     * The bundle's platform catalog: the catalog section of the BOM it was built from, which it
     * carries signed (bom/NAME.yaml, verified with every other file). Read when first asked.
     */
    static CatalogApps.Entries catalogOf(VerifiedBundle bundle) {
        List<BomCatalogEntry> entries = new ArrayList<>();
        boolean[] loaded = {false};
        return name -> {
            if (!loaded[0]) {
                loaded[0] = true;
                for (ManifestFile file : bundle.manifest().filesOfKind(FileKind.BOM)) {
                    entries.addAll(loadBom(bundle, file).catalogEntries());
                }
            }
            return entries.stream().filter(e -> e.name().equals(name)).findFirst().map(CatalogApps.Entry::of);
        };
    }

    private static Bom loadBom(VerifiedBundle bundle, ManifestFile file) {
        try {
            Path copy = Files.createTempFile("seed-bom-", ".yaml");
            try {
                Files.write(copy, read(bundle, file));
                return new BomLoader().load(copy).bom(); // throws exit 2 naming every problem of a bad BOM
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, "cannot read " + file.path() + " from the bundle: " + e.getMessage(), e);
        }
    }

    private static byte[] read(VerifiedBundle bundle, ManifestFile file) {
        try (InputStream in = bundle.open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, "cannot read " + file.path() + " from the bundle: " + e.getMessage(), e);
        }
    }
}
