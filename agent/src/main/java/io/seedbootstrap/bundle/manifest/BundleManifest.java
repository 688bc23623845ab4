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
        Long chunkSize,
        List<Component> components,
        List<ManifestFile> files) {
    /** What bundle create writes: v1 plus per-chunk hashes of large files ({@link #chunkSize}). */
    public static final String FORMAT = "seed-bootstrap-bundle/v2";
    /** The first format, still read: no chunk hashes (every piece is hashed as a whole). */
    public static final String FORMAT_V1 = "seed-bootstrap-bundle/v1";
    /** The formats this version reads. */
    public static final List<String> FORMATS = List.of(FORMAT_V1, FORMAT);
    /**
     * Chunk size bundle create uses: a stored piece larger than this carries the sha256 of each
     * of its chunks, so verify can hash one large file on every core (docs/formats.md
     * "Bundle manifest"). 64 MiB: small enough to balance two or more cores within ~0.1 s, large
     * enough that 4 GiB needs 64 hashes (4 KiB of manifest).
     */
    public static final long DEFAULT_CHUNK_SIZE = 64L << 20;
    /** Chunk sizes are whole MiB (so chunk boundaries are page- and block-aligned), at most 1 GiB. */
    public static final long CHUNK_UNIT = 1L << 20;
    public static final long MAX_CHUNK_SIZE = 1L << 30;

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

    /** The chunk size in bytes; 0 for a v1 manifest, which has none (the field is absent there). */
    public long chunkBytes() {
        return chunkSize == null ? 0 : chunkSize;
    }

    public long totalSize() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }
}
