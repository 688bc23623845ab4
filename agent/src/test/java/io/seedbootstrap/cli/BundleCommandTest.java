package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestCodec;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundle create, verify, inspect and mirror-list through the real command line. */
class BundleCommandTest {
    static final String CORE = "rke2/rke2-images-core.linux-amd64.tar.zst";

    @TempDir
    static Path shared;

    static Path rke2Artifacts;

    @TempDir
    Path dir;

    Path mirror;
    Path bom;
    Path keyFile;
    String fingerprint;
    Path bundle;

    @BeforeAll
    static void rke2Artifacts() throws Exception {
        rke2Artifacts = TestBundles.rke2Artifacts(shared);
    }

    @BeforeEach
    void keyAndMirror() throws Exception {
        mirror = TestBundles.mirror(dir, rke2Artifacts);
        bom = dir.resolve("test-v1.35.yaml");
        Files.writeString(bom, TestBundles.bom());
        CommandRunner.Result keygen = CommandRunner.run("bundle", "keygen", "--out", dir.resolve("keys").toString());
        assertEquals(0, keygen.exitCode(), keygen.err());
        fingerprint = keygen.out().strip();
        keyFile = dir.resolve("keys/bundle-signing.key");
        bundle = dir.resolve("stick/seed-bundle");
    }

    private CommandRunner.Result create(String... extra) {
        String[] args = {"bundle", "create", "--bom", bom.toString(), "--mirror", mirror.toString(), "--signing-key", keyFile.toString(),
            "--out", bundle.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CommandRunner.run(Map.of("SOURCE_DATE_EPOCH", "1787393700"), dir, all);
    }

    private BundleManifest manifest() throws Exception {
        return ManifestCodec.read(Files.readAllBytes(bundle.resolve("manifest.json")));
    }

    @Test
    void createVerifyInspect() throws Exception {
        CommandRunner.Result created = create("--split-size", "16K");
        assertEquals(0, created.exitCode(), created.err());
        BundleManifest manifest = manifest();
        assertEquals("2026-08-22T10:15:00Z", manifest.createdAt(), "SOURCE_DATE_EPOCH is the build time");
        assertEquals(16384, manifest.splitSize());
        // the 41 KB tarball and the 70 KB image archive are stored as parts, and install.sh too when it is upstream's (25 KB)
        List<ManifestFile> split = manifest.files().stream().filter(ManifestFile::isSplit).toList();
        int parts = split.stream().mapToInt(f -> f.storedPieces().size()).sum();
        assertEquals(TestBundles.upstreamInstallScript().isPresent() ? 3 : 2, split.size(), split.toString());
        assertEquals("bundle " + bundle + ": RKE2 v1.35.7+rke2r1 linux-amd64, 13 files, " + StderrProgress.size(manifest.totalSize())
                + " (" + split.size() + " split into " + parts + " parts)\nsigned by " + fingerprint + "\n", created.out());
        assertTrue(created.err().startsWith("copying 13 files, "), created.err());

        CommandRunner.Result verified = CommandRunner.run("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", fingerprint);
        assertEquals(0, verified.exitCode(), verified.err());
        assertEquals("bundle " + bundle + ": OK, 13 files, " + StderrProgress.size(manifest.totalSize()) + ", RKE2 v1.35.7+rke2r1 "
                + "linux-amd64\nsigned by " + fingerprint + " (the pinned key)\n", verified.out());
        assertTrue(verified.err().startsWith("verifying " + (13 - split.size() + parts) + " files, "), verified.err());

        CommandRunner.Result inspected = CommandRunner.run("bundle", "inspect", bundle.toString());
        assertEquals(0, inspected.exitCode(), inspected.err());
        assertTrue(inspected.out().startsWith("bundle " + bundle + "\n  RKE2       v1.35.7+rke2r1 (Kubernetes 1.35.7), linux-amd64\n"
                + "  signer     " + fingerprint + "\n"), inspected.out());
        assertTrue(inspected.out().contains("\n  rancher        2.14.3 (app v2.14.3, kubeVersion < 1.36.0-0)\n"), inspected.out());
        assertTrue(inspected.out().matches("(?s).*\n  chart +[0-9.]+ [KMG]?i?B  bootstrap +charts/rancher-2\\.14\\.3\\.tgz\n.*"), inspected.out());
        assertTrue(inspected.out().matches("(?s).*\n  rke2-images +[0-9.]+ [KMG]?i?B  server,agent \\(cilium\\) +"
                + "rke2/rke2-images-cilium\\.linux-amd64\\.tar\\.zst\n.*"), inspected.out());
        // the double's tarball is a few 16 KiB parts; how many follows its size
        assertTrue(inspected.out().matches("(?s).*rke2/rke2\\.linux-amd64\\.tar\\.gz  \\[[3-9] parts\\]\n.*"), inspected.out());

        CommandRunner.Result json = CommandRunner.run("bundle", "inspect", bundle.toString(), "-o", "json");
        JsonNode tree = new ObjectMapper().readTree(json.out());
        assertEquals(fingerprint, tree.get("signer").asText());
        assertEquals(13, tree.get("manifest").get("files").size());
        assertEquals("bootstrap", tree.get("manifest").get("files").get(1).get("roles").get(0).asText());
    }

    @Test
    void theCatalogIsCreatedListedVerifiedAndInspected() throws Exception {
        String image = "docker.io/traefik:v3.7.11";
        String digest = "sha256:" + "ef".repeat(32);
        Files.writeString(bom, TestBundles.bom() + TestBundles.catalog("ingress", "traefik", "41.3.0", image, digest));
        CommandRunner.Result listed = CommandRunner.run("bundle", "mirror-list", "--bom", bom.toString());
        assertEquals(0, listed.exitCode(), listed.err());
        String archive = io.seedbootstrap.bundle.format.SafeNames.imageArchiveName(image);
        assertTrue(listed.out().contains("traefik-41.3.0.tgz"), listed.out());
        assertTrue(listed.out().contains("images/" + archive), listed.out());
        Files.write(mirror.resolve("traefik-41.3.0.tgz"), TestBundles.chart("traefik", "41.3.0", "v41.3.0", ">=1.25.0-0"));
        Files.write(mirror.resolve("images/" + archive), TestBundles.randomBytes(3000, 3));
        CommandRunner.Result created = create();
        assertEquals(0, created.exitCode(), created.err());
        CommandRunner.Result verified = CommandRunner.run("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", fingerprint);
        assertEquals(0, verified.exitCode(), verified.err());
        assertTrue(verified.out().contains(": OK, 15 files, "), verified.out());
        CommandRunner.Result inspected = CommandRunner.run("bundle", "inspect", bundle.toString());
        assertEquals(0, inspected.exitCode(), inspected.err());
        assertTrue(inspected.out().contains("\ncatalog (1; bundle push puts each chart into the site registry as an OCI chart)\n"
                + "  ingress                chart traefik 41.3.0, 1 image\n"), inspected.out());
        assertTrue(inspected.out().matches("(?s).*\n  catalog-chart +[0-9.]+ [KMG]?i?B  - +catalog/traefik-41\\.3\\.0\\.tgz\n.*"),
                inspected.out());
        assertTrue(inspected.out().contains("catalog/images/" + archive + "  " + image + "@" + digest + "\n"), inspected.out());
        JsonNode json = new ObjectMapper().readTree(CommandRunner.run("bundle", "inspect", bundle.toString(), "-o", "json").out());
        assertEquals("ingress", json.at("/catalog/0/name").asText());
        assertEquals("catalog/traefik-41.3.0.tgz", json.at("/catalog/0/path").asText());
        assertEquals(image + "@" + digest, json.at("/catalog/0/images/0").asText());
    }

    @Test
    void aCatalogEntryWithoutAVersionOrWithAnImageByTagOnlyExitsTwoNamingTheBomAndTheEntry() throws Exception {
        String catalog = TestBundles.catalog("ingress", "traefik", "41.3.0", "docker.io/traefik:v3.7.11", "null");
        Files.writeString(bom, TestBundles.bom() + catalog.replace("      version: 41.3.0\n", ""));
        CommandRunner.Result noVersion = create();
        assertEquals(2, noVersion.exitCode(), noVersion.err());
        assertTrue(noVersion.err().contains(bom + ":"), noVersion.err());
        assertTrue(noVersion.err().contains("error: catalog[0].chart.version: missing required key \"version\""), noVersion.err());

        Files.writeString(bom, TestBundles.bom() + catalog.replace("          digest: null\n", ""));
        CommandRunner.Result tagOnly = create();
        assertEquals(2, tagOnly.exitCode(), tagOnly.err());
        assertTrue(tagOnly.err().contains(bom + ":"), tagOnly.err());
        assertTrue(tagOnly.err().contains("error: catalog[0].chart.images[0]: catalog[0] (ingress): image docker.io/traefik:v3.7.11 is "
                + "given by tag only; catalog images are pinned by digest"), tagOnly.err());

        Files.writeString(bom, TestBundles.bom() + catalog);
        CommandRunner.Result unpinned = create();
        assertEquals(2, unpinned.exitCode(), unpinned.err());
        assertTrue(unpinned.err().contains(bom + ": catalog images are pulled and pushed by digest, and this one has none yet:\n"
                + "  catalog[0] (ingress): image docker.io/traefik:v3.7.11 has digest: null\n"), unpinned.err());
        assertFalse(Files.exists(bundle), "nothing written");
    }

    @Test
    void pushRefusesAChartRepositoryThatIsNoRegistryPath() {
        CommandRunner.Result push = CommandRunner.run("bundle", "push", dir.toString(), "--registry", "registry.site.internal:5000",
                "--signing-key-fingerprint", fingerprint, "--chart-repository", "Charts//x");
        assertEquals(2, push.exitCode(), push.err());
        assertTrue(push.err().contains("--chart-repository Charts//x: give a registry repository path such as charts"), push.err());
    }

    @Test
    void verifyNamesEveryBadFileAndExitsOne() throws Exception {
        assertEquals(0, create().exitCode());
        TestBundles.flipByte(bundle.resolve(CORE), 7);
        Files.delete(bundle.resolve("rke2/install.sh"));
        Files.writeString(bundle.resolve("rke2/evil.sh"), "rm -rf /\n");
        String expected = manifest().file(CORE).orElseThrow().sha256();
        CommandRunner.Result result = CommandRunner.run("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", fingerprint);
        assertEquals(1, result.exitCode());
        assertEquals("", result.out());
        long installSize = manifest().file("rke2/install.sh").orElseThrow().size();
        assertTrue(result.err().endsWith("seed-bootstrap: bundle " + bundle + " failed verification (3 problems):\n"
                + "  rke2/evil.sh: unexpected file: not in the signed manifest\n"
                + "  rke2/install.sh: missing (the manifest lists " + installSize + " bytes)\n"
                + "  " + CORE + ": sha256 is " + TestBundles.sha256(bundle.resolve(CORE)) + ", the manifest says " + expected
                + " (the content was changed or damaged)\n"), result.err());

        CommandRunner.Result json = CommandRunner.run("bundle", "verify", bundle.toString(), "-o", "json");
        assertEquals(1, json.exitCode());
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertEquals(false, report.get("ok").asBoolean());
        assertEquals(3, report.get("problems").size());
        assertEquals("rke2/evil.sh", report.get("problems").get(0).get("path").asText());
    }

    @Test
    void untrustedTextFromTheBundleReachesTheTerminalEscaped() throws Exception {
        assertEquals(0, create().exitCode());
        Path signature = bundle.resolve("manifest.json.sig");
        String json = Files.readString(signature);
        String algorithm = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("algorithm").asText();
        // a title-setting OSC sequence and a screen clear, as JSON escapes in the file
        Files.writeString(signature, json.replace("\"" + algorithm + "\"", "\"x\\u001b]0;owned\\u0007\\u001b[2J\""));
        CommandRunner.Result result = CommandRunner.run("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", fingerprint);
        assertEquals(1, result.exitCode(), result.err());
        assertFalse(result.err().contains("\u001b") || result.err().contains("\u0007"), "raw control characters: " + result.err());
        assertTrue(result.err().contains("signed with x\\u001b]0;owned\\u0007\\u001b[2J;"), result.err());
    }

    @Test
    void verifyRefusesABundleSignedByAnotherKeyThanThePinnedOne() throws Exception {
        assertEquals(0, create().exitCode());
        String other = BundleSigningKey.generate().fingerprint();
        CommandRunner.Result result = CommandRunner.run("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", other);
        assertEquals(1, result.exitCode());
        assertEquals("seed-bootstrap: bundle " + bundle + " failed verification (1 problem):\n  manifest.json.sig: signed by " + fingerprint
                + ", but the trusted bundle-signing key is " + other + " (--signing-key-fingerprint); refusing a bundle signed by another key\n",
                result.err());
    }

    @Test
    void verifyWithAnInventoryTrustsItsPinAndChecksTheBundleFitsIt() throws Exception {
        assertEquals(0, create().exitCode());
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, inventory("v1.35.7+rke2r1", fingerprint));
        CommandRunner.Result ok = CommandRunner.run("bundle", "verify", "--inventory", inventory.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals("signed by " + fingerprint + " (the pinned key)", ok.out().lines().toList().get(1));

        Files.writeString(inventory, inventory("v1.34.2+rke2r1", fingerprint));
        CommandRunner.Result mismatch = CommandRunner.run("bundle", "verify", "--inventory", inventory.toString(), "--arch", "aarch64");
        assertEquals(1, mismatch.exitCode());
        assertTrue(mismatch.err().endsWith("seed-bootstrap: bundle " + bundle + " is intact but does not fit the inventory:\n"
                + "  the bundle holds RKE2 v1.35.7+rke2r1, but the inventory asks for v1.34.2+rke2r1 (cluster.rke2Version); build a bundle "
                + "from a BOM for v1.34.2+rke2r1 or change cluster.rke2Version\n"
                + "  the bundle is for linux-amd64, but --arch is linux-arm64; build a bundle for arm64\n"), mismatch.err());

        String stranger = BundleSigningKey.generate().fingerprint();
        Files.writeString(inventory, inventory("v1.35.7+rke2r1", stranger));
        CommandRunner.Result untrusted = CommandRunner.run("bundle", "verify", "--inventory", inventory.toString());
        assertEquals(1, untrusted.exitCode());
        assertTrue(untrusted.err().contains("manifest.json.sig: signed by " + fingerprint + ", but the trusted bundle-signing key is "
                + stranger + " (bundle.signingKeyFingerprint in " + inventory + "); refusing a bundle signed by another key"), untrusted.err());
    }

    private String inventory(String rke2Version, String pinned) {
        return """
                cluster:
                  name: seed-lab
                  rke2Version: %s
                  cni: cilium
                bundle:
                  path: ./stick/seed-bundle
                  signingKeyFingerprint: %s
                apps:
                  rancher: {enabled: false}
                hosts:
                  - name: seed-1
                    address: 192.0.2.10
                    role: server
                """.formatted(rke2Version, pinned);
    }

    @Test
    void verifyWithoutAPinWarnsThatTheSignerWasNotChecked() throws Exception {
        assertEquals(0, create().exitCode());
        CommandRunner.Result result = CommandRunner.run("bundle", "verify", bundle.toString(), "--threads", "1");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().endsWith("signed by " + fingerprint + " (NOT checked against a pinned key)\n"), result.out());
        assertTrue(result.err().endsWith("warning: the signer was not checked; pass --signing-key-fingerprint or --inventory to refuse "
                + "bundles signed by any other key\n"), result.err());
    }

    @Test
    void createRefusesABomWhoseRancherChartExcludesTheRke2Version() throws Exception {
        Files.writeString(bom, TestBundles.bom().replace("kubeVersion: \"< 1.36.0-0\"", "kubeVersion: \"< 1.35.0-0\""));
        CommandRunner.Result result = create();
        assertEquals(2, result.exitCode());
        assertEquals("seed-bootstrap: " + bom + ":26:18: error: charts[1].kubeVersion: chart rancher 2.14.3 declares kubeVersion "
                + "\"< 1.35.0-0\", which does not admit Kubernetes 1.35.7 (RKE2 v1.35.7+rke2r1); pick a rancher release whose kubeVersion "
                + "admits 1.35 (contract E.4) or a BOM for an older RKE2 line\n" + bom + ": 1 error in the bill of materials; fix it and "
                + "run again\n", result.err());
    }

    @Test
    void createWithAnEncryptedKeyNeedsItsPassphraseFromTheEnvironment() throws Exception {
        CommandRunner.Result keygen = CommandRunner.run(Map.of("SIGNING_PASS", "open sesame"), dir, "bundle", "keygen", "--out",
                dir.resolve("enc").toString(), "--passphrase-env", "SIGNING_PASS");
        assertEquals(0, keygen.exitCode(), keygen.err());
        keyFile = dir.resolve("enc/bundle-signing.key");
        CommandRunner.Result without = create();
        assertEquals(2, without.exitCode());
        assertEquals("seed-bootstrap: " + keyFile + " is encrypted; give its passphrase through an environment variable with "
                + "--passphrase-env NAME\n", without.err());
        CommandRunner.Result with = CommandRunner.run(Map.of("SIGNING_PASS", "open sesame"), dir, "bundle", "create", "--bom",
                bom.toString(), "--mirror", mirror.toString(), "--signing-key", keyFile.toString(), "--passphrase-env", "SIGNING_PASS",
                "--out", bundle.toString());
        assertEquals(0, with.exitCode(), with.err());
        assertTrue(with.out().endsWith("signed by " + keygen.out().strip() + "\n"), with.out());
    }

    @Test
    void mirrorListPrintsEveryNameAMirrorNeeds() {
        CommandRunner.Result result = CommandRunner.run("bundle", "mirror-list", "--bom", bom.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(12, result.out().lines().count(), result.out());
        assertTrue(result.out().contains("rke2.linux-amd64.tar.gz\thttps://example.test/rke2/rke2.linux-amd64.tar.gz\n"), result.out());
        assertTrue(result.out().contains(TestBundles.RANCHER_IMAGE_FILE + "\timage " + TestBundles.RANCHER_IMAGE + " (e.g. skopeo copy docker://"
                + TestBundles.RANCHER_IMAGE + " docker-archive:MIRROR/" + TestBundles.RANCHER_IMAGE_FILE + ":" + TestBundles.RANCHER_IMAGE + ")\n"),
                result.out());
    }

    @Test
    void badSplitSizesAreBadUsage() {
        CommandRunner.Result result = create("--split-size", "lots");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("seed-bootstrap: Invalid value for option '--split-size': \"lots\" is not a size; "), result.err());
    }

    @Test
    void withRuntimeNeedsAJarAndRuntimeJarNeedsWithRuntime() throws Exception {
        CommandRunner.Result alone = create("--runtime-jar", dir.resolve("x.jar").toString());
        assertEquals(2, alone.exitCode());
        assertTrue(alone.err().contains("--runtime-jar goes with --with-runtime"), alone.err());

        CommandRunner.Result fromClasses = create("--with-runtime");
        assertEquals(2, fromClasses.exitCode(), "the tests run from target/classes, not a jar");
        assertTrue(fromClasses.err().contains("does not run from a jar; give the jar to carry with --runtime-jar FILE"), fromClasses.err());

        Path notAJar = Files.writeString(dir.resolve("notes.txt"), "hello");
        CommandRunner.Result wrong = create("--with-runtime", "--runtime-jar", notAJar.toString());
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains(notAJar + " is not a jar file"), wrong.err());
        assertFalse(Files.exists(bundle), "nothing is written before the runtime is made");
    }
}
