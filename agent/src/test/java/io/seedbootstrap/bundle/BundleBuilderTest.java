package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind.HostRole;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleBuilderTest {
    @TempDir
    static Path shared;

    static Path rke2Artifacts;

    @TempDir
    Path dir;

    Path mirror;
    BundleSigningKey key = BundleSigningKey.generate();

    @BeforeAll
    static void rke2Artifacts() throws Exception {
        rke2Artifacts = TestBundles.rke2Artifacts(shared);
    }

    @BeforeEach
    void mirror() throws Exception {
        mirror = TestBundles.mirror(dir, rke2Artifacts);
    }

    @Test
    void buildsASignedBundleWhoseManifestSaysWhoNeedsWhat() throws Exception {
        BundleBuilder.Result result = TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE);
        BundleManifest manifest = result.manifest();
        Path bundle = dir.resolve("bundle");
        assertEquals(key.fingerprint(), result.signerFingerprint());
        assertEquals("v1.35.7+rke2r1", manifest.rke2Version());
        assertEquals("1.35.7", manifest.kubernetesVersion());
        assertEquals(Arch.AMD64, manifest.arch());
        assertEquals("2026-08-22T10:15:00Z", manifest.createdAt());
        assertEquals(List.of("bom/test-v1.35.yaml", "charts/argo-cd-10.1.1.tgz", "charts/cert-manager-v1.20.3.tgz", "charts/metallb-0.16.1.tgz",
                "charts/rancher-2.14.3.tgz",
                TestBundles.RANCHER_IMAGE_FILE, "lists/rancher-images.txt", "rke2/install.sh",
                "rke2/rke2-images-canal.linux-amd64.tar.zst", "rke2/rke2-images-cilium.linux-amd64.tar.zst",
                "rke2/rke2-images-core.linux-amd64.tar.zst", "rke2/rke2.linux-amd64.tar.gz", "rke2/sha256sum-amd64.txt"),
                manifest.files().stream().map(ManifestFile::path).toList());
        for (ManifestFile file : manifest.files()) {
            if (file.kind() == FileKind.BOM) {
                continue;
            }
            String mirrorName = file.kind() == FileKind.IMAGE_ARCHIVE ? file.path() : file.path().substring(file.path().indexOf('/') + 1);
            assertArrayEquals(Files.readAllBytes(mirror.resolve(mirrorName)), Files.readAllBytes(bundle.resolve(file.path())), file.path());
            assertEquals(TestBundles.sha256(mirror.resolve(mirrorName)), file.sha256(), file.path());
            assertFalse(Files.getPosixFilePermissions(bundle.resolve(file.path())).contains(PosixFilePermission.OWNER_EXECUTE),
                    "no exec bits on " + file.path());
        }
        // chart kubeVersion comes from the chart itself when the BOM does not know it
        ManifestFile certManager = manifest.file("charts/cert-manager-v1.20.3.tgz").orElseThrow();
        assertEquals(">= 1.22.0-0", certManager.kubeVersion());
        assertEquals(List.of(HostRole.BOOTSTRAP), certManager.roles());
        ManifestFile image = manifest.file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        assertEquals(TestBundles.RANCHER_IMAGE, image.image());
        assertEquals(List.of(HostRole.SERVER, HostRole.AGENT), image.roles());
        assertEquals(Cni.CILIUM, manifest.file("rke2/rke2-images-cilium.linux-amd64.tar.zst").orElseThrow().cni());
        assertEquals(List.of(), manifest.file("lists/rancher-images.txt").orElseThrow().roles());
        // an agent of a canal cluster needs RKE2, core + canal images and the chart images; no charts, no cilium
        assertEquals(List.of(TestBundles.RANCHER_IMAGE_FILE, "rke2/install.sh", "rke2/rke2-images-canal.linux-amd64.tar.zst",
                "rke2/rke2-images-core.linux-amd64.tar.zst", "rke2/rke2.linux-amd64.tar.gz", "rke2/sha256sum-amd64.txt"),
                manifest.filesFor(HostRole.AGENT, Cni.CANAL).stream().map(ManifestFile::path).toList());

        BundleVerifier.Report report = new BundleVerifier(2, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test"));
        assertEquals(List.of(), report.problems());
        assertEquals(manifest, report.manifest());
    }

    @Test
    void copyingOnSeveralThreadsWritesTheSameSignedManifestAsOneThread() throws Exception {
        byte[] manifest = null;
        for (int threads : new int[] {1, 4}) {
            Path out = dir.resolve("threads-" + threads);
            new BundleBuilder(Progress.none(), threads).build(new BundleBuilder.Request(TestBundles.loadBom(dir, TestBundles.bom()),
                    new LocalMirror(mirror), out, key, 16 * 1024, TestBundles.BUILD_TIME, "seed-bootstrap test"));
            byte[] bytes = Files.readAllBytes(out.resolve("manifest.json"));
            if (manifest != null) {
                assertArrayEquals(manifest, bytes, "the manifest does not depend on the copying order");
            }
            manifest = bytes;
            assertTrue(new BundleVerifier(2, Progress.none()).verify(out, BundleVerifier.Trust.pinned(key.fingerprint(), "test")).ok());
        }
    }

    @Test
    void splitsFilesOverTheSplitSizeIntoPartsThatRejoinToTheOriginal() throws Exception {
        long splitSize = 16 * 1024;
        BundleManifest manifest = TestBundles.build(dir, mirror, key, splitSize).manifest();
        Path bundle = dir.resolve("bundle");
        try (Stream<Path> stored = Files.walk(bundle)) {
            for (Path file : stored.filter(Files::isRegularFile).toList()) {
                assertTrue(Files.size(file) <= splitSize, file + " is larger than the split size");
            }
        }
        ManifestFile tarball = manifest.file("rke2/rke2.linux-amd64.tar.gz").orElseThrow();
        long size = Files.size(mirror.resolve("rke2.linux-amd64.tar.gz"));
        assertEquals((size + splitSize - 1) / splitSize, tarball.parts().size());
        // the double's tarball is a few 16 KiB parts (how many follows its size), named in order
        assertTrue(tarball.parts().size() >= 3, tarball.parts().toString());
        assertEquals(java.util.stream.IntStream.range(0, tarball.parts().size()).mapToObj(i -> String.format("rke2/rke2.linux-amd64.tar.gz.part%03d", i))
                .toList(), tarball.parts().stream().map(ManifestFile.FilePart::path).toList());
        assertFalse(Files.exists(bundle.resolve("rke2/rke2.linux-amd64.tar.gz")), "only the parts are stored");
        assertEquals(TestBundles.sha256(mirror.resolve("rke2.linux-amd64.tar.gz")), tarball.sha256());

        VerifiedBundle verified = new BundleVerifier(2, Progress.none())
                .verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test")).orThrow();
        for (String name : List.of("rke2/rke2.linux-amd64.tar.gz", TestBundles.RANCHER_IMAGE_FILE)) {
            ManifestFile file = manifest.file(name).orElseThrow();
            assertTrue(file.isSplit(), name);
            try (InputStream in = verified.open(file)) {
                String mirrorName = name.startsWith("images/") ? name : name.substring(5);
                assertArrayEquals(Files.readAllBytes(mirror.resolve(mirrorName)), in.readAllBytes(), name);
            }
        }
    }

    @Test
    void aFileOfExactlyTwoSplitSizesMakesTwoFullParts() throws Exception {
        Files.write(mirror.resolve(TestBundles.RANCHER_IMAGE_FILE), TestBundles.randomBytes(2 * 20_000, 3));
        ManifestFile image = TestBundles.build(dir, mirror, key, 20_000).manifest().file(TestBundles.RANCHER_IMAGE_FILE).orElseThrow();
        assertEquals(List.of(20_000L, 20_000L), image.parts().stream().map(ManifestFile.FilePart::size).toList());
    }

    @Test
    void refusesAFileWhoseHashIsNotTheOneTheBomPins() throws Exception {
        String wrong = "0".repeat(64);
        String bom = TestBundles.bom().replace("url: https://example.test/rke2/rke2.linux-amd64.tar.gz\n      sha256: null",
                "url: https://example.test/rke2/rke2.linux-amd64.tar.gz\n      sha256: " + wrong);
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE, bom));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertEquals("bundle create failed; " + dir.resolve("bundle") + " holds no manifest and is not a bundle (delete it):\n  "
                + mirror.resolve("rke2.linux-amd64.tar.gz") + ": sha256 is " + TestBundles.sha256(mirror.resolve("rke2.linux-amd64.tar.gz"))
                + " but the BOM pins " + wrong + "; this is not the file the BOM names (download it again)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("bundle/manifest.json")));
        assertFalse(Files.exists(dir.resolve("bundle/manifest.json.sig")));
    }

    @Test
    void refusesRke2ArtifactsThatDisagreeWithTheReleaseChecksumFile() throws Exception {
        Path core = mirror.resolve("rke2-images-core.linux-amd64.tar.zst");
        String listed = TestBundles.sha256(core);
        TestBundles.flipByte(core, 10);
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE));
        assertTrue(e.getMessage().endsWith("\n  rke2-images-core.linux-amd64.tar.zst: sha256 is " + TestBundles.sha256(core)
                + " but the release's sha256sum-amd64.txt says " + listed
                + "; the mirror mixes files of different releases or holds a damaged download"), e.getMessage());
    }

    @Test
    void namesEveryFileMissingFromTheMirrorBeforeCopyingAnything() throws Exception {
        Files.delete(mirror.resolve("rke2-images-cilium.linux-amd64.tar.zst"));
        Files.delete(mirror.resolve(TestBundles.RANCHER_IMAGE_FILE));
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals("2 files the BOM names are missing:\n  " + mirror.resolve(TestBundles.RANCHER_IMAGE_FILE) + " (image "
                + TestBundles.RANCHER_IMAGE + ")\n  " + mirror.resolve("rke2-images-cilium.linux-amd64.tar.zst")
                + " (from https://example.test/rke2/rke2-images-cilium.linux-amd64.tar.zst)\n"
                + "(`seed-bootstrap bundle mirror-list --bom FILE` prints every name a mirror needs)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("bundle")), "nothing is written when inputs are missing");
    }

    @Test
    void readsEachChartsOwnKubeVersionAndRefusesOneThatExcludesTheRke2Version() throws Exception {
        Files.write(mirror.resolve("cert-manager-v1.20.3.tgz"), TestBundles.chart("cert-manager", "v1.20.3", "v1.20.3", "< 1.35.0-0"));
        Files.write(mirror.resolve("rancher-2.14.3.tgz"), TestBundles.chart("rancher", "2.14.3", "v2.14.3", "< 1.37.0-0"));
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE));
        assertEquals("""
                the charts do not fit this bundle:
                  cert-manager-v1.20.3.tgz: chart cert-manager v1.20.3 declares kubeVersion "< 1.35.0-0", which does not admit \
                Kubernetes 1.35.7 (RKE2 v1.35.7+rke2r1); pick a cert-manager release whose kubeVersion admits 1.35 (contract E.4) \
                or a BOM for an older RKE2 line
                  rancher-2.14.3.tgz: Chart.yaml says kubeVersion "< 1.37.0-0", the BOM says "< 1.36.0-0"; correct the BOM \
                (scripts/refresh-bom.sh reads it from the chart)""", e.getMessage());
    }

    @Test
    void refusesAChartTooLargeForAHelmChartsChartContent() throws Exception {
        Files.write(mirror.resolve("rancher-2.14.3.tgz"), TestBundles.randomBytes(800_000, 1));
        Files.write(mirror.resolve("cert-manager-v1.20.3.tgz"), TestBundles.chart("cert-manager", "v1.20.4", "v1.20.4", null));
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE));
        assertTrue(e.getMessage().contains("\n  cert-manager-v1.20.3.tgz: the archive holds chart cert-manager v1.20.4, the BOM names "
                + "cert-manager v1.20.3"), e.getMessage());
        assertTrue(e.getMessage().contains("\n  rancher-2.14.3.tgz: not a readable Helm chart archive ("), e.getMessage());
    }

    static final String CATALOG_IMAGE = "docker.io/traefik:v3.7.11";
    static final String CATALOG_DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void carriesCatalogChartsAndImagesForTheRegistryNotForNodes() throws Exception {
        // a catalog chart larger than a HelmChart's chartContent allows: it goes to the registry, so it is carried
        byte[] chart = TestBundles.chart("traefik", "41.3.0", "v41.3.0", ">=1.25.0-0");
        Files.write(mirror.resolve("traefik-41.3.0.tgz"), chart);
        Files.write(mirror.resolve("images/" + io.seedbootstrap.bundle.format.SafeNames.imageArchiveName(CATALOG_IMAGE)),
                TestBundles.randomBytes(900_000, 11));
        BundleManifest manifest = TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE,
                TestBundles.bom() + TestBundles.catalog("ingress", "traefik", "41.3.0", CATALOG_IMAGE, CATALOG_DIGEST)).manifest();
        ManifestFile chartFile = manifest.file("catalog/traefik-41.3.0.tgz").orElseThrow();
        assertEquals(FileKind.CATALOG_CHART, chartFile.kind());
        assertEquals("ingress", chartFile.component());
        assertEquals("traefik", chartFile.chart());
        assertEquals("41.3.0", chartFile.version());
        assertEquals(">=1.25.0-0", chartFile.kubeVersion());
        assertEquals(List.of(), chartFile.roles());
        ManifestFile image = manifest.filesOfKind(FileKind.CATALOG_IMAGE).get(0);
        assertEquals("catalog/images/" + io.seedbootstrap.bundle.format.SafeNames.imageArchiveName(CATALOG_IMAGE), image.path());
        assertEquals(CATALOG_IMAGE + "@" + CATALOG_DIGEST, image.image());
        assertEquals("ingress", image.component());
        assertEquals(List.of(), image.roles());
        assertTrue(manifest.components().contains(new BundleManifest.Component("ingress", "41.3.0", "v41.3.0", ">=1.25.0-0")));
        for (HostRole role : HostRole.values()) {
            assertTrue(manifest.filesFor(role, Cni.CANAL).stream().noneMatch(f -> f.path().startsWith("catalog/")),
                    "no catalog file goes to a " + role);
        }
        assertTrue(Files.isRegularFile(dir.resolve("bundle/catalog/traefik-41.3.0.tgz")));
    }

    @Test
    void refusesACatalogImageWhoseDigestIsNotPinnedYet() throws Exception {
        Files.write(mirror.resolve("traefik-41.3.0.tgz"), TestBundles.chart("traefik", "41.3.0", "v41.3.0", null));
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE,
                TestBundles.bom() + TestBundles.catalog("ingress", "traefik", "41.3.0", CATALOG_IMAGE, "null")));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals(dir.resolve("bom.yaml") + ": catalog images are pulled and pushed by digest, and this one has none yet:\n"
                + "  catalog[0] (ingress): image docker.io/traefik:v3.7.11 has digest: null\n"
                + "run scripts/refresh-bom.sh " + dir.resolve("bom.yaml") + " (online) to pin them, or write each digest: sha256:...",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("bundle")), "nothing written");
    }

    @Test
    void checksACatalogChartArchiveLikeASeedChart() throws Exception {
        Files.write(mirror.resolve("traefik-41.3.0.tgz"), TestBundles.chart("traefik", "41.3.0", "v41.3.0", "< 1.35.0-0"));
        Files.write(mirror.resolve("images/" + io.seedbootstrap.bundle.format.SafeNames.imageArchiveName(CATALOG_IMAGE)),
                TestBundles.randomBytes(1000, 11));
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE,
                TestBundles.bom() + TestBundles.catalog("ingress", "traefik", "41.3.0", CATALOG_IMAGE, CATALOG_DIGEST)));
        assertTrue(e.getMessage().contains("traefik-41.3.0.tgz: chart traefik 41.3.0 declares kubeVersion \"< 1.35.0-0\", which does "
                + "not admit Kubernetes 1.35.7"), e.getMessage());
    }

    @Test
    void refusesAnOutputDirectoryThatIsNotEmpty() throws Exception {
        Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(dir.resolve("bundle/old.txt"), "x");
        SeedException e = assertThrows(SeedException.class, () -> TestBundles.build(dir, mirror, key, BundleBuilder.DEFAULT_SPLIT_SIZE));
        assertEquals(dir.resolve("bundle") + " is not empty; a bundle is written once into a new or empty directory", e.getMessage());
    }

    @Test
    void sameInputsSameManifestBytes() throws Exception {
        TestBundles.build(dir, mirror, key, 30_000);
        byte[] first = Files.readAllBytes(dir.resolve("bundle/manifest.json"));
        Path second = dir.resolve("second");
        Files.createDirectories(second);
        TestBundles.build(second, mirror, key, 30_000);
        assertArrayEquals(first, Files.readAllBytes(second.resolve("bundle/manifest.json")));
    }
}
