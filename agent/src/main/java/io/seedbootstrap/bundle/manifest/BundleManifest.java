package io.seedbootstrap.bundle.manifest;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.inventory.model.Cni;
import java.util.List;
import java.util.Optional;

/**
 * {@code manifest.json} (docs/formats.md "manifest.json"): what a bundle holds. The only signed
 * file; every other file is trusted through its size and sha256 here.
 */
public record BundleManifest(
        String format,
        String createdAt,
        String createdBy,
        BomRef bom,
        String rke2Version,
        String kubernetesVersion,
        Arch arch,
        long splitSize,
        List<Component> components,
        List<ManifestFile> files) {
    public static final String FORMAT = "seed-bootstrap-bundle/v1";

    public BundleManifest {
        components = components == null ? List.of() : List.copyOf(components);
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The BOM a bundle was built from: its name and the SHA-256 of its file. */
    public record BomRef(String name, String sha256) {}

    /** A component and its version; charts add their appVersion and kubeVersion range. */
    public record Component(String name, String version, String appVersion, String kubeVersion) {}

    public Optional<ManifestFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    public List<ManifestFile> filesOfKind(FileKind kind) {
        return files.stream().filter(f -> f.kind() == kind).toList();
    }

    /** The files a host of this role needs for a cluster with this CNI (bootstrap: the bootstrap server's extras). */
    public List<ManifestFile> filesFor(FileKind.HostRole role, Cni cni) {
        return files.stream()
                .filter(f -> f.roles().contains(role))
                .filter(f -> f.cni() == null || f.cni() == cni)
                .toList();
    }

    public long totalSize() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }
}
