package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.bundle.manifest.SignatureFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format v2's chunk hashes (docs/formats.md "Bundle manifest"): bundle create writes the sha256 of
 * every chunk of a large piece (whole file or part), verify checks each chunk on its own (so one
 * large file is hashed on every core) and names the damaged byte range, the signature covers the
 * chunk hashes, and v1 manifests (no chunks) are still accepted.
 */
class BundleChunksTest {
    private static final long MIB = 1 << 20;
    private static final int BIG = (int) (5 * MIB + MIB / 2);

    @TempDir
    static Path shared;

    static Path rke2Artifacts;

    @TempDir
    Path dir;

    BundleSigningKey key = BundleSigningKey.generate();

    @BeforeAll
    static void rke2Artifacts() throws Exception {
        rke2Artifacts = TestBundles.rke2Artifacts(shared);
    }

    /** A bundle whose image archive is 5.5 MiB of random bytes, chunks of 1 MiB. */
    private BundleManifest build(long splitSize) throws Exception {
        Path mirror = TestBundles.mirror(dir, rke2Artifacts);
        Files.write(mirror.resolve(TestBundles.RANCHER_IMAGE_FILE), TestBundles.randomBytes(BIG, 11));
        return new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(TestBundles.loadBom(dir, TestBundles.bom()), new LocalMirror(mirror),
                dir.resolve("bundle"), key, splitSize, TestBundles.BUILD_TIME, "seed-bootstrap test").withChunkSize(MIB)).manifest();
    }

    private List<String> problems() {
        return new BundleVerifier(2, Progress.none()).verify(dir.resolve("bundle"), BundleVerifier.Trust.pinned(key.fingerprint(), "test"))
                .problems().stream().map(BundleVerifier.Problem::render).toList();
    }

    private static String sha(byte[] all, long from, long to) {
        return Sha256.hex(Arrays.copyOfRange(all, (int) from, (int) to));
    }

    @Test
    void createWritesTheSha256OfEveryChunkOfALargeFileAndVerifyChecksThem() throws Exception {
        BundleManifest manifest = build(BundleManifest.DEFAULT_CHUNK_SIZE);
        assertEquals(BundleManifest.FORMAT, manifest.format());
        assertEquals(MIB, manifest.chunkBytes());
        ManifestFile image = manifest.file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        byte[] content = Files.readAllBytes(dir.resolve("bundle").resolve(image.path()));
        assertEquals(Sha256.hex(content), image.sha256(), "the whole file's sha256 stays (uploads expect it)");
        assertEquals(6, image.chunks().size());
        for (int i = 0; i < 6; i++) {
            assertEquals(sha(content, i * MIB, Math.min(BIG, (i + 1) * MIB)), image.chunks().get(i), "chunk " + i);
        }
        assertTrue(manifest.files().stream().filter(f -> f.size() <= MIB).allMatch(f -> f.chunks().isEmpty()),
                "a file of one chunk or less carries none");
        assertEquals(List.of(), problems());

        TestBundles.flipByte(dir.resolve("bundle").resolve(image.path()), 2 * MIB + 5);
        byte[] damaged = Files.readAllBytes(dir.resolve("bundle").resolve(image.path()));
        assertEquals(List.of(image.path() + ": bytes 2097152-3145727 (chunk 3 of 6) have sha256 " + sha(damaged, 2 * MIB, 3 * MIB)
                + ", the manifest says " + image.chunks().get(2) + " (the content was changed or damaged)"), problems());
    }

    @Test
    void aFlippedByteAtTheEndOfAReadAndInTheShortLastChunkIsNamed() throws Exception {
        BundleManifest manifest = build(BundleManifest.DEFAULT_CHUNK_SIZE);
        ManifestFile image = manifest.file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        Path file = dir.resolve("bundle").resolve(image.path());
        TestBundles.flipByte(file, MIB + RangeHasher.READ_SIZE - 1); // the last byte of chunk 2's first read
        TestBundles.flipByte(file, BIG - 1); // the last byte of the file, in its last chunk (half a chunk)
        List<String> found = problems();
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith(image.path() + ": bytes 1048576-2097151 (chunk 2 of 6) have sha256 "), found.toString());
        assertTrue(found.get(1).startsWith(image.path() + ": bytes 5242880-5767167 (chunk 6 of 6) have sha256 "), found.toString());
    }

    @Test
    void eachPartOfASplitFileCarriesItsOwnChunks() throws Exception {
        BundleManifest manifest = build(3 * MIB);
        ManifestFile image = manifest.file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        assertEquals(List.of(), image.chunks());
        assertEquals(2, image.parts().size());
        ManifestFile.FilePart second = image.parts().get(1);
        byte[] part = Files.readAllBytes(dir.resolve("bundle").resolve(second.path()));
        assertEquals(List.of(3, 3), image.parts().stream().map(p -> p.chunks().size()).toList());
        assertEquals(List.of(sha(part, 0, MIB), sha(part, MIB, 2 * MIB), sha(part, 2 * MIB, part.length)), second.chunks());
        assertEquals(List.of(), problems());
        TestBundles.flipByte(dir.resolve("bundle").resolve(second.path()), part.length - 1);
        List<String> found = problems();
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith(second.path() + ": bytes 2097152-" + (part.length - 1) + " (chunk 3 of 3) have sha256 "),
                found.toString());
    }

    @Test
    void theSignatureCoversTheChunkHashes() throws Exception {
        build(BundleManifest.DEFAULT_CHUNK_SIZE);
        Path manifest = dir.resolve("bundle").resolve(SignatureFile.MANIFEST);
        String text = Files.readString(manifest);
        ManifestFile image = BundleVerifier.readSigned(dir.resolve("bundle")).manifest().file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        Files.writeString(manifest, text.replace(image.chunks().get(0), "0".repeat(64)));
        List<String> found = problems();
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("manifest.json: does not match its signature"), found.toString());
    }

    @Test
    void aVersionOneManifestWithoutChunksIsStillAccepted() throws Exception {
        build(BundleManifest.DEFAULT_CHUNK_SIZE);
        Path bundle = dir.resolve("bundle");
        TestBundles.resign(bundle, key, m -> {
            m.put("format", BundleManifest.FORMAT_V1);
            m.remove("chunkSize");
            for (JsonNode f : m.get("files")) {
                ((ObjectNode) f).remove("chunks");
                if (f.has("parts")) {
                    f.get("parts").forEach(p -> ((ObjectNode) p).remove("chunks"));
                }
            }
        });
        assertEquals(List.of(), problems());
        TestBundles.flipByte(bundle.resolve(TestBundles.RANCHER_IMAGE_FILE), 3 * MIB);
        List<String> found = problems();
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith(TestBundles.RANCHER_IMAGE_FILE + ": sha256 is "), "v1: the whole file is hashed: " + found);
    }

    @Test
    void chunkHashesThatDoNotFitTheFormatAreRefused() throws Exception {
        build(BundleManifest.DEFAULT_CHUNK_SIZE);
        Path bundle = dir.resolve("bundle");
        String image = TestBundles.RANCHER_IMAGE_FILE;
        // v1 with chunks: refused as malformed
        TestBundles.resign(bundle, key, m -> m.put("format", BundleManifest.FORMAT_V1).remove("chunkSize"));
        assertEquals(List.of("manifest.json: manifest.json is seed-bootstrap-bundle/v1 but has chunk hashes, which seed-bootstrap-bundle/v2"
                + " introduced: files[" + index(image) + "].chunks"), problems());
        // v2 with a chunk size that is not whole MiB
        TestBundles.resign(bundle, key, m -> m.put("format", BundleManifest.FORMAT).put("chunkSize", MIB + 1));
        assertEquals(List.of("manifest.json: manifest.json has chunkSize 1048577; it must be a whole number of MiB from 1 MiB to 1 GiB"),
                problems());
        // v2, one chunk hash short, then none
        TestBundles.resign(bundle, key, m -> {
            m.put("chunkSize", MIB);
            ((ArrayNode) file(m, image).get("chunks")).remove(5);
        });
        assertEquals(List.of(image + ": the manifest lists 5 chunk hashes; " + BIG + " bytes in chunks of 1048576 make 6"), problems());
        TestBundles.resign(bundle, key, m -> ((ObjectNode) file(m, image)).remove("chunks"));
        assertEquals(List.of(image + ": the manifest lists no chunk hashes; " + BIG + " bytes in chunks of 1048576 need 6"
                + " (seed-bootstrap-bundle/v2)"), problems());
    }

    @Test
    void chunkHashesOnASplitFilesOwnEntryAreRefused() throws Exception {
        build(3 * MIB);
        Path bundle = dir.resolve("bundle");
        String image = TestBundles.RANCHER_IMAGE_FILE;
        assertEquals(List.of(), problems());
        // the parts carry the chunks; the same hashes again on the file's own entry are not allowed
        TestBundles.resign(bundle, key, m -> {
            ArrayNode all = ((ObjectNode) file(m, image)).putArray("chunks");
            file(m, image).get("parts").forEach(p -> p.get("chunks").forEach(all::add));
        });
        assertEquals(List.of(image + ": a split file carries its chunk hashes in its parts, not in the file entry"), problems());
    }

    /** The position of a file in manifest.json's files[] (read as JSON: the manifest may be malformed on purpose). */
    private int index(String path) throws Exception {
        JsonNode files = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("bundle").resolve(SignatureFile.MANIFEST).toFile()).get("files");
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).get("path").asText().equals(path)) {
                return i;
            }
        }
        throw new AssertionError(path);
    }

    private static JsonNode file(ObjectNode manifest, String path) {
        for (JsonNode f : manifest.get("files")) {
            if (f.get("path").asText().equals(path)) {
                return f;
            }
        }
        throw new AssertionError(path);
    }

    @Test
    void aChunkSizeThatIsNotWholeMebibytesIsABuildError() throws Exception {
        Path mirror = TestBundles.mirror(dir, rke2Artifacts);
        BundleBuilder.Request request = new BundleBuilder.Request(TestBundles.loadBom(dir, TestBundles.bom()), new LocalMirror(mirror),
                dir.resolve("bundle"), key, BundleManifest.DEFAULT_CHUNK_SIZE, TestBundles.BUILD_TIME, "t").withChunkSize(4096);
        assertThrows(IllegalArgumentException.class, () -> new BundleBuilder(Progress.none()).build(request));
    }
}
