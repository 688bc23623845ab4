package io.seedbootstrap.bundle.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.inventory.model.Cni;
import java.util.List;

/**
 * One logical file of a bundle. A file larger than the split size exists on disk only as its
 * {@link #parts()}; {@link #size()} and {@link #sha256()} are always those of the whole file.
 */
public record ManifestFile(
        String path,
        long size,
        String sha256,
        FileKind kind,
        String component,
        String version,
        List<FileKind.HostRole> roles,
        Cni cni,
        String image,
        String chart,
        String kubeVersion,
        String source,
        List<FilePart> parts) {

    public ManifestFile {
        roles = roles == null ? List.of() : List.copyOf(roles);
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    @JsonIgnore
    public boolean isSplit() {
        return !parts.isEmpty();
    }

    /** What exists on disk for this file: its parts, or the file itself. */
    public List<FilePart> storedPieces() {
        return isSplit() ? parts : List.of(new FilePart(path, size, sha256));
    }

    /** The name of part {@code index} of a split file: NAME.part000, NAME.part001, ... */
    public static String partPath(String path, int index) {
        return path + String.format(".part%03d", index);
    }

    /** One stored piece of a split file. */
    public record FilePart(String path, long size, String sha256) {}
}
