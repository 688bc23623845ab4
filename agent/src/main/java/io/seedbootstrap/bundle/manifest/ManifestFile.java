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
        List<FilePart> parts,
        List<String> chunks) {

    public ManifestFile {
        roles = roles == null ? List.of() : List.copyOf(roles);
        parts = parts == null ? List.of() : List.copyOf(parts);
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    @JsonIgnore
    public boolean isSplit() {
        return !parts.isEmpty();
    }

    /** What exists on disk for this file: its parts, or the file itself (with its chunk hashes). */
    public List<FilePart> storedPieces() {
        return isSplit() ? parts : List.of(new FilePart(path, size, sha256, chunks));
    }

    /** The name of part {@code index} of a split file: NAME.part000, NAME.part001, ... */
    public static String partPath(String path, int index) {
        return path + String.format(".part%03d", index);
    }

    /** How many chunk hashes a stored piece of {@code size} bytes carries: none up to one chunk, else one per chunk. */
    public static long chunkCount(long size, long chunkSize) {
        return chunkSize <= 0 || size <= chunkSize ? 0 : (size + chunkSize - 1) / chunkSize;
    }

    /**
     * One stored piece of a split file. {@code chunks}: in a v2 manifest, the sha256 of each
     * {@code chunkSize} bytes of a piece larger than one chunk (the last may be shorter), in order;
     * empty otherwise.
     */
    public record FilePart(String path, long size, String sha256, List<String> chunks) {
        public FilePart {
            chunks = chunks == null ? List.of() : List.copyOf(chunks);
        }

        public FilePart(String path, long size, String sha256) {
            this(path, size, sha256, List.of());
        }
    }
}
