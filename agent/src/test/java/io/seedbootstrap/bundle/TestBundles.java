package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bundle.bom.BomLoader;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.bundle.manifest.ManifestCodec;
import io.seedbootstrap.bundle.manifest.SignatureFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.pki.signing.Signatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Test material: a local mirror made from the RKE2 contract double's release-shaped artifacts
 * (test-vms/rke2-double/make-artifacts.sh) plus small charts and an image archive built here,
 * a BOM naming them, and helpers to build, damage and re-sign bundles.
 */
public final class TestBundles {
    public static final String RANCHER_IMAGE = "docker.io/rancher/rancher:v2.14.3";
    public static final String RANCHER_IMAGE_FILE = "images/" + SafeNames.imageArchiveName(RANCHER_IMAGE);
    public static final Instant BUILD_TIME = Instant.parse("2026-08-22T10:15:00Z");

    private TestBundles() {}

    /**
     * RKE2's own install.sh (v1.35.7+rke2r1, unmodified) where CI and developers keep it:
     * {@code ../shared/upstream} beside the repository (never copied into it). Empty without it.
     */
    public static Optional<Path> upstreamInstallScript() {
        Path script = Path.of("").toAbsolutePath().getParent().resolveSibling("shared/upstream/rke2/install/install.sh");
        return Files.isRegularFile(script) ? Optional.of(script) : Optional.empty();
    }

    /**
     * The RKE2 contract double's release-shaped artifacts (make-artifacts.sh, ~0.3 s): made
     * once per test class into a class-level directory, copied into each test's mirror. Their
     * install.sh is RKE2's own (upstream's) whenever {@link #upstreamInstallScript} finds it, so
     * every install test runs the real script against the double's tarball and checksums; only
     * without ../shared is it the double's stand-in (test-vms/rke2-double/README.md).
     */
    public static Path rke2Artifacts(Path dir) throws Exception {
        return rke2Artifacts(dir, "v1.35.7+rke2r1");
    }

    /** The double's artifacts of another release ({@code make-artifacts.sh --version}), e.g. for an upgrade. */
    public static Path rke2Artifacts(Path dir, String version) throws Exception {
        Path out = dir.resolve("rke2-artifacts");
        Files.createDirectories(out);
        Process process = new ProcessBuilder("bash", Path.of("../test-vms/rke2-double/make-artifacts.sh").toAbsolutePath().toString(),
                out.toString(), "--version", version).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "make-artifacts.sh failed: " + output);
        Optional<Path> upstream = upstreamInstallScript();
        if (upstream.isPresent()) {
            assertArrayEquals(Files.readAllBytes(upstream.get()), Files.readAllBytes(out.resolve("install.sh")),
                    "the artifacts must carry upstream's install.sh unmodified: " + output);
        }
        return out;
    }

    /** A mirror with every file {@link #bom} names: the RKE2 artifacts plus charts, an image archive and a list made here. */
    public static Path mirror(Path dir, Path rke2Artifacts) throws Exception {
        Path mirror = dir.resolve("mirror");
        Files.createDirectories(mirror);
        try (java.util.stream.Stream<Path> files = Files.list(rke2Artifacts)) {
            for (Path file : files.toList()) {
                Files.copy(file, mirror.resolve(file.getFileName()));
            }
        }
        Files.write(mirror.resolve("cert-manager-v1.20.3.tgz"), chart("cert-manager", "v1.20.3", "v1.20.3", ">= 1.22.0-0"));
        Files.write(mirror.resolve("rancher-2.14.3.tgz"), chart("rancher", "2.14.3", "v2.14.3", "< 1.36.0-0"));
        Files.write(mirror.resolve("argo-cd-10.1.1.tgz"), chart("argo-cd", "10.1.1", "v3.4.4", ">=1.25.0-0"));
        Files.write(mirror.resolve("metallb-0.16.1.tgz"), chart("metallb", "0.16.1", "v0.16.1", null));
        Files.createDirectories(mirror.resolve("images"));
        Files.write(mirror.resolve(RANCHER_IMAGE_FILE), randomBytes(70_000, 7));
        Files.writeString(mirror.resolve("rancher-images.txt"), "rancher/rancher:v2.14.3\nrancher/rancher-webhook:v0.9.3\n");
        return mirror;
    }

    /** A BOM for the mirror; RKE2 artifacts unpinned (null) except where a test pins them. */
    public static String bom() {
        String base = "https://example.test/";
        return """
                apiVersion: seed-bootstrap/bom-v1
                name: test-v1.35
                rke2:
                  version: v1.35.7+rke2r1
                  arch: amd64
                  artifacts:
                    - file: rke2.linux-amd64.tar.gz
                      kind: tarball
                      url: %1$srke2/rke2.linux-amd64.tar.gz
                      sha256: null
                    - {file: sha256sum-amd64.txt, kind: checksums, url: %1$srke2/sha256sum-amd64.txt}
                    - {file: install.sh, kind: install-script, url: %1$srke2/install.sh}
                    - {file: rke2-images-core.linux-amd64.tar.zst, kind: images, url: %1$srke2/rke2-images-core.linux-amd64.tar.zst}
                    - {file: rke2-images-canal.linux-amd64.tar.zst, kind: images, cni: canal, url: %1$srke2/rke2-images-canal.linux-amd64.tar.zst}
                    - {file: rke2-images-cilium.linux-amd64.tar.zst, kind: images, cni: cilium, url: %1$srke2/rke2-images-cilium.linux-amd64.tar.zst}
                charts:
                  - name: cert-manager
                    version: v1.20.3
                    appVersion: v1.20.3
                    kubeVersion: null
                    file: cert-manager-v1.20.3.tgz
                    url: %1$scharts/cert-manager-v1.20.3.tgz
                  - name: rancher
                    version: 2.14.3
                    appVersion: v2.14.3
                    kubeVersion: "< 1.36.0-0"
                    file: rancher-2.14.3.tgz
                    url: %1$scharts/rancher-2.14.3.tgz
                    images:
                      - ref: %2$s
                        digest: null
                  - name: argo-cd
                    version: 10.1.1
                    appVersion: v3.4.4
                    kubeVersion: ">=1.25.0-0"
                    file: argo-cd-10.1.1.tgz
                    url: %1$scharts/argo-cd-10.1.1.tgz
                  - name: metallb
                    version: 0.16.1
                    appVersion: v0.16.1
                    kubeVersion: null
                    file: metallb-0.16.1.tgz
                    url: %1$scharts/metallb-0.16.1.tgz
                lists:
                  - {file: rancher-images.txt, component: rancher, version: v2.14.3, url: %1$slists/rancher-images.txt}
                """.formatted(base, RANCHER_IMAGE);
    }

    /**
     * A catalog section with one entry (a stand-in: a test chart of the given name, not the real
     * upstream chart) to append to {@link #bom()}; {@code digest} may be "null".
     */
    public static String catalog(String entry, String chart, String version, String imageRef, String digest) {
        return """
                catalog:
                  - name: %1$s
                    namespace: %1$s
                    chart:
                      name: %2$s
                      version: %3$s
                      appVersion: v%3$s
                      file: %2$s-%3$s.tgz
                      url: https://example.test/catalog/%2$s-%3$s.tgz
                      sha256: null
                      images:
                        - ref: %4$s
                          digest: %5$s
                    values:
                      replicas: 2
                    clusterValues:
                      - value: service.annotations.metallb\\.io/loadBalancerIPs
                        from: annotation
                        key: catalog.seed-bootstrap.io/%1$s-ip
                        required: true
                """.formatted(entry, chart, version, imageRef, digest);
    }

    public static BomLoader.LoadedBom loadBom(Path dir, String text) throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, text);
        return new BomLoader().load(file);
    }

    /** Builds a bundle into dir/bundle. */
    public static BundleBuilder.Result build(Path dir, Path mirror, BundleSigningKey key, long splitSize) throws IOException {
        return build(dir, mirror, key, splitSize, bom());
    }

    public static BundleBuilder.Result build(Path dir, Path mirror, BundleSigningKey key, long splitSize, String bom) throws IOException {
        BomLoader.LoadedBom loaded = loadBom(dir, bom);
        return new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(loaded, new LocalMirror(mirror), dir.resolve("bundle"),
                key, splitSize, BUILD_TIME, "seed-bootstrap test"));
    }

    /** A gzip'd tar like `helm package` writes: NAME/Chart.yaml, NAME/values.yaml, a template. */
    public static byte[] chart(String name, String version, String appVersion, String kubeVersion) throws IOException {
        String chartYaml = "apiVersion: v2\nname: " + name + "\nversion: " + version + "\nappVersion: " + appVersion + "\n"
                + (kubeVersion == null ? "" : "kubeVersion: \"" + kubeVersion + "\"\n") + "description: test chart\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            add(tar, name + "/Chart.yaml", chartYaml.getBytes(StandardCharsets.UTF_8));
            add(tar, name + "/values.yaml", "replicas: 1\n".getBytes(StandardCharsets.UTF_8));
            add(tar, name + "/templates/deployment.yaml", "kind: Deployment\n".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Edits manifest.json (as a JSON tree) and signs the result with {@code key}, like an attacker holding a key would. */
    public static void resign(Path bundle, BundleSigningKey key, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) mapper.readTree(bundle.resolve(SignatureFile.MANIFEST).toFile());
        edit.accept(manifest);
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        Files.write(bundle.resolve(SignatureFile.MANIFEST), bytes);
        byte[] signature = Signatures.sign(key.privateKey(), bytes);
        Files.write(bundle.resolve(SignatureFile.SIGNATURE), ManifestCodec.writeSignature(new SignatureFile(SignatureFile.FORMAT,
                Signatures.ALGORITHM, Base64.getEncoder().encodeToString(key.publicKey().getEncoded()),
                Base64.getEncoder().encodeToString(signature))));
    }

    /** Flips one bit of a file in place. */
    public static void flipByte(Path file, long offset) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[(int) offset] ^= 0x01;
        Files.write(file, content);
    }

    public static String sha256(Path file) throws IOException {
        return Sha256.hex(Files.readAllBytes(file));
    }
}
