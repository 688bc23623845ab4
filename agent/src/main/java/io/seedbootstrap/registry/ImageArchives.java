package io.seedbootstrap.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Image archives for RKE2's agent/images (contract A.3): saved from a registry as an OCI image
 * layout tar with the manifest's exact bytes (so the image keeps the digest the BOM pins), and
 * pushed from such an archive — or from a docker-archive a mirror holds — to a registry.
 */
public final class ImageArchives {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    private static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** containerd names an imported image by this annotation; docker load reads it too. */
    static final String IMAGE_NAME = "io.containerd.image.name";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryAccess access;

    public ImageArchives(RegistryAccess access) {
        this.access = access;
    }

    /** An image's name parts; {@code reference} as written in the BOM (tag and/or digest). */
    public record ImageName(String reference, String registry, String repository, String tag, String digest) {
        public static ImageName parse(String reference) {
            try {
                ImageReference parsed = ImageReference.parse(reference);
                return new ImageName(reference, parsed.getRegistry(), parsed.getRepository(), parsed.getTag().orElse(null),
                        parsed.getDigest().orElse(null));
            } catch (InvalidImageReferenceException e) {
                throw new IllegalArgumentException("\"" + reference + "\" is not an image reference", e);
            }
        }

        /** The name without the digest, as containerd lists it: registry/repository:tag. */
        public String taggedName() {
            return reference.replaceAll("@sha256:[0-9a-f]+$", "");
        }
    }

    /**
     * Pulls {@code reference} (by its digest when it has one: the manifest must hash to it) and
     * writes an OCI layout tar to {@code target}: oci-layout, index.json naming the image, then
     * every blob, each checked against its digest while it streams. A multi-arch index resolves
     * to the {@code arch} image of linux. Written to a temporary name and renamed at the end.
     */
    public String save(String reference, String arch, Path target) throws IOException {
        ImageName name = ImageName.parse(reference);
        try {
            return saveOrThrow(name, reference, arch, target);
        } catch (RegistryException e) {
            throw RegistryAccess.failure(reference, e);
        } catch (IOException e) {
            throw RegistryAccess.failure(reference, e);
        }
    }

    private String saveOrThrow(ImageName name, String reference, String arch, Path target) throws IOException, RegistryException {
        try (RegistryAccess.Client client = access.client(name.registry(), name.repository(), false)) {
            String qualifier = name.digest() != null ? name.digest() : name.tag() != null ? name.tag() : "latest";
            RegistryAccess.RawManifest manifest = client.manifest(qualifier);
            String top = "sha256:" + sha256(manifest.bytes());
            if (name.digest() != null && !name.digest().equals(top)) {
                throw new IOException(reference + ": the registry served a manifest with digest " + top + ", not the pinned one");
            }
            JsonNode node = JSON.readTree(manifest.bytes());
            String mediaType = mediaType(manifest, node);
            if (node.has("manifests")) {
                String chosen = null;
                for (JsonNode entry : node.get("manifests")) {
                    JsonNode platform = entry.path("platform");
                    if ("linux".equals(platform.path("os").asText()) && arch.equals(platform.path("architecture").asText())) {
                        chosen = entry.path("digest").asText();
                        break;
                    }
                }
                if (chosen == null) {
                    throw new IOException(reference + ": the image index has no linux/" + arch + " image");
                }
                manifest = client.manifest(chosen);
                if (!chosen.equals("sha256:" + sha256(manifest.bytes()))) {
                    throw new IOException(reference + ": the registry served linux/" + arch + " manifest " + chosen + " with other content");
                }
                node = JSON.readTree(manifest.bytes());
                mediaType = mediaType(manifest, node);
            }
            String digest = "sha256:" + sha256(manifest.bytes());
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(partial)))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                entry(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
                entry(tar, "index.json", index(name, mediaType, digest, manifest.bytes().length));
                entry(tar, blobPath(digest), manifest.bytes());
                List<JsonNode> blobs = new ArrayList<>();
                blobs.add(node.get("config"));
                node.path("layers").forEach(blobs::add);
                for (JsonNode blob : blobs) {
                    String blobDigest = blob.path("digest").asText();
                    long size = blob.path("size").asLong(-1);
                    TarArchiveEntry entry = new TarArchiveEntry(blobPath(blobDigest));
                    entry.setSize(size);
                    entry.setModTime(Date.from(Instant.EPOCH));
                    tar.putArchiveEntry(entry);
                    Checked out = new Checked(tar);
                    client.jib().pullBlob(digest(blobDigest), total -> {}, done -> {}).writeTo(out);
                    if (out.count != size || !blobDigest.equals("sha256:" + HexFormat.of().formatHex(out.digest.digest()))) {
                        throw new IOException(reference + ": blob " + blobDigest + " arrived with other content or size");
                    }
                    tar.closeArchiveEntry();
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return digest;
        }
    }

    /** What was pushed: the target reference and the digest the registry stores. */
    public record Pushed(String source, String target, String digest, boolean digestKept) {}

    /**
     * Pushes the archive read from {@code archive} (OCI layout, or docker-archive) under the
     * source's repository and tag to {@code registry}. An OCI archive's manifest goes up byte
     * for byte, so the digest stays the upstream one; a docker-archive holds no manifest, so
     * one is made (layers gzip'd) and the registry's digest is new.
     */
    public Pushed push(InputStream archive, String reference, String registry, Path work) throws IOException {
        ImageName name = ImageName.parse(reference);
        Path dir = Files.createTempDirectory(work, "push");
        try {
            extract(archive, dir);
            List<Blob> blobs = new ArrayList<>();
            byte[] manifest;
            String mediaType;
            boolean kept;
            if (Files.isRegularFile(dir.resolve("index.json"))) {
                JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
                JsonNode entry = index.path("manifests").path(0);
                manifest = Files.readAllBytes(safe(dir, blobPath(entry.path("digest").asText())));
                JsonNode node = JSON.readTree(manifest);
                mediaType = mediaType(new RegistryAccess.RawManifest(manifest, entry.path("mediaType").asText(null)), node);
                blobs.add(new Blob(node.path("config").path("digest").asText(), null));
                node.path("layers").forEach(layer -> blobs.add(new Blob(layer.path("digest").asText(), null)));
                for (int i = 0; i < blobs.size(); i++) {
                    blobs.set(i, new Blob(blobs.get(i).digest(), safe(dir, blobPath(blobs.get(i).digest()))));
                }
                kept = true;
            } else if (Files.isRegularFile(dir.resolve("manifest.json"))) {
                manifest = dockerManifest(dir, blobs);
                mediaType = DOCKER_MANIFEST;
                kept = false;
            } else {
                throw new IOException("not an image archive (neither index.json nor manifest.json inside)");
            }
            String targetName = registry + "/" + name.repository() + (name.tag() != null ? ":" + name.tag() : "");
            try (RegistryAccess.Client client = access.client(registry, name.repository(), true)) {
                return pushTo(client, blobs, manifest, mediaType, name, reference, targetName, kept);
            } catch (RegistryException | IOException e) {
                throw RegistryAccess.failure(registry, e);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static Pushed pushTo(RegistryAccess.Client client, List<Blob> blobs, byte[] manifest, String mediaType, ImageName name,
            String reference, String targetName, boolean kept) throws IOException, RegistryException {
        for (Blob blob : blobs) {
            DescriptorDigest digest = digest(blob.digest());
            if (client.jib().checkBlob(digest).isEmpty()) {
                client.jib().pushBlob(digest, Blobs.from(blob.file()), null, n -> {});
            }
        }
        String expected = "sha256:" + sha256(manifest);
        // by tag when there is one, so containerd's mirror lookups by tag find it; the digest is checked either way
        DescriptorDigest pushed = client.jib().pushManifest(new RawTemplate(manifest, mediaType), name.tag() != null ? name.tag() : expected);
        if (!expected.equals(pushed.toString())) {
            throw new IOException(targetName + ": the registry stored digest " + pushed + ", not " + expected);
        }
        return new Pushed(reference, targetName + "@" + expected, expected, kept);
    }

    private record Blob(String digest, Path file) {}

    /** docker save / skopeo docker-archive: config as is, layers gzip'd (registries serve compressed layers). */
    private static byte[] dockerManifest(Path dir, List<Blob> blobs) throws IOException {
        JsonNode images = JSON.readTree(dir.resolve("manifest.json").toFile());
        if (!images.isArray() || images.size() != 1) {
            throw new IOException("a docker-archive must hold exactly one image");
        }
        JsonNode image = images.get(0);
        Path config = safe(dir, image.path("Config").asText());
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", DOCKER_MANIFEST);
        String configDigest = "sha256:" + sha256(config);
        manifest.putObject("config").put("mediaType", DOCKER_CONFIG).put("size", Files.size(config)).put("digest", configDigest);
        blobs.add(new Blob(configDigest, config));
        ArrayNode layers = manifest.putArray("layers");
        for (JsonNode layerName : image.path("Layers")) {
            Path layer = safe(dir, layerName.asText());
            Path gz = layer;
            if (!isGzip(layer)) {
                gz = layer.resolveSibling(layer.getFileName() + ".gz");
                try (InputStream in = Files.newInputStream(layer);
                        OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(gz))) {
                    in.transferTo(out);
                }
            }
            String digest = "sha256:" + sha256(gz);
            layers.addObject().put("mediaType", DOCKER_LAYER_GZIP).put("size", Files.size(gz)).put("digest", digest);
            blobs.add(new Blob(digest, gz));
        }
        return JSON.writeValueAsBytes(manifest);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static void extract(InputStream archive, Path dir) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(archive));
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (!entry.isFile()) {
                continue;
            }
            Path file = safe(dir, entry.getName());
            Files.createDirectories(file.getParent());
            Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
        }
        // read to the end, so a bundle file's hash is checked (BundleReader checks at EOF)
        archive.transferTo(OutputStream.nullOutputStream());
    }

    private static Path safe(Path dir, String name) throws IOException {
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir) || name.isEmpty()) {
            throw new IOException("archive entry \"" + name + "\" leaves the archive");
        }
        return file;
    }

    private static String mediaType(RegistryAccess.RawManifest manifest, JsonNode node) {
        String declared = node.path("mediaType").asText(null);
        if (declared != null) {
            return declared;
        }
        if (manifest.mediaType() != null && RegistryAccess.MANIFEST_TYPES.contains(manifest.mediaType())) {
            return manifest.mediaType();
        }
        return node.has("manifests") ? "application/vnd.oci.image.index.v1+json" : OCI_MANIFEST;
    }

    private static byte[] index(ImageName name, String mediaType, String digest, long size) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", mediaType).put("digest", digest).put("size", size);
        ObjectNode annotations = entry.putObject("annotations");
        annotations.put(IMAGE_NAME, name.taggedName());
        if (name.tag() != null) {
            annotations.put(REF_NAME, name.tag());
        }
        return JSON.writeValueAsBytes(index);
    }

    private static DescriptorDigest digest(String digest) throws IOException {
        try {
            return DescriptorDigest.fromDigest(digest);
        } catch (java.security.DigestException e) {
            throw new IOException("\"" + digest + "\" is not a sha256 digest", e);
        }
    }

    static String blobPath(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("\"" + digest + "\" is not a sha256 digest");
        }
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(Date.from(Instant.EPOCH));
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static String sha256(byte[] bytes) {
        MessageDigest digest = newDigest();
        return HexFormat.of().formatHex(digest.digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing the push for
        }
    }

    /** Counts and hashes what passes, never closes the tar under it. */
    private static final class Checked extends FilterOutputStream {
        final MessageDigest digest = newDigest();
        long count;

        Checked(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** A manifest Jib pushes as the exact bytes it was read as (Jib would re-serialise its own templates). */
    @JsonSerialize(using = RawTemplate.Writer.class)
    static final class RawTemplate implements ManifestTemplate {
        private final byte[] bytes;
        private final String mediaType;

        RawTemplate(byte[] bytes, String mediaType) {
            this.bytes = bytes.clone();
            this.mediaType = mediaType;
        }

        @Override
        public int getSchemaVersion() {
            return 2;
        }

        @Override
        public String getManifestMediaType() {
            return mediaType;
        }

        static final class Writer extends StdSerializer<RawTemplate> {
            private static final long serialVersionUID = 1L;

            Writer() {
                super(RawTemplate.class);
            }

            @Override
            public void serialize(RawTemplate value, JsonGenerator generator, SerializerProvider provider) throws IOException {
                generator.writeRawValue(new String(value.bytes, StandardCharsets.UTF_8));
            }
        }
    }
}
