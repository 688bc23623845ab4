package io.seedbootstrap.pki.ca;

import java.util.List;

/** manifest.json: what the PKI directory holds (docs/formats.md "PKI directory and token files"). */
public record Manifest(int formatVersion, String cluster, String siteSource, String updatedAt, List<ManifestEntry> files) {
    public static final int FORMAT_VERSION = 1;

    public Manifest {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
