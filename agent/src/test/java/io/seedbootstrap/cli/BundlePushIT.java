package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.bundle.format.SafeNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundle create --download pulls chart images from a registry into OCI archives, and bundle push
 * lands them in the site registry, against two real registry servers (Debian's docker-registry)
 * on loopback: an "upstream" one (TLS, anonymous) and a "site" one (TLS with the site CA,
 * htpasswd). Every image is read back by digest over the registry's HTTP API and compared.
 */
class BundlePushIT {
    static final String USER = "seed";
    static final String PASSWORD = "s3cret-registry-pass";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Process upstream;
    static Process site;
    static int upstreamPort;
    static int sitePort;
    static Path ca;
    static Path otherCa;
    static Path bundle;
    static String fingerprint;
    static List<String> images = new ArrayList<>();
    static Map<String, String> digests = new HashMap<>();

    @BeforeAll
    static void registriesAndBundle() throws Exception {
        ca = makeCa("ca");
        otherCa = makeCa("other-ca");
        upstreamPort = freePort();
        sitePort = freePort();
        upstream = startRegistry("upstream", upstreamPort, false);
        site = startRegistry("site", sitePort, true);

        // two small images in the upstream registry, pushed from hand-made OCI archives (anonymous)
        for (String name : List.of("test/app:v1", "test/sidecar:v2")) {
            String ref = "127.0.0.1:" + upstreamPort + "/" + name;
            Path archive = dir.resolve(SafeNames.imageArchiveName(name));
            String digest = ociArchive(archive, name, 40_000 + images.size());
            CommandRunner.Result seeded = seed(archive, ref);
            assertEquals(0, seeded.exitCode(), seeded.err());
            assertEquals(digest, "sha256:" + sha256(http("GET", upstreamPort, "/v2/" + name.replace(":", "/manifests/"), false)));
            images.add(ref);
            digests.put(ref, digest);
        }

        Path rke2 = TestBundles.rke2Artifacts(dir);
        Path mirror = TestBundles.mirror(dir, rke2);
        Files.delete(mirror.resolve(TestBundles.RANCHER_IMAGE_FILE));
        String bom = TestBundles.bom().replace("""
                      - ref: %s
                        digest: null
                """.formatted(TestBundles.RANCHER_IMAGE), images.stream().map(ref -> """
                      - ref: %s
                        digest: %s
                """.formatted(ref, digests.get(ref))).reduce("", String::concat));
        Path bomFile = dir.resolve("bom.yaml");
        Files.writeString(bomFile, bom);
        CommandRunner.Result keygen = CommandRunner.run("bundle", "keygen", "--out", dir.resolve("keys").toString());
        fingerprint = keygen.out().strip();
        bundle = dir.resolve("bundle");
        CommandRunner.Result create = CommandRunner.run(Map.of(), dir, "bundle", "create", "--bom", bomFile.toString(), "--mirror",
                mirror.toString(), "--download", "--cache", dir.resolve("cache").toString(), "--registry-ca-file", ca.toString(),
                "--signing-key", dir.resolve("keys/bundle-signing.key").toString(), "--out", bundle.toString());
        assertEquals(0, create.exitCode(), create.err());
    }

    @AfterAll
    static void stop() {
        for (Process p : new Process[] {upstream, site}) {
            if (p != null) {
                p.destroy();
            }
        }
    }

    /** Seeds the upstream registry through our own push on an unsigned throwaway path: ImageArchives directly. */
    static CommandRunner.Result seed(Path archive, String ref) throws Exception {
        io.seedbootstrap.registry.ImageArchives archives = new io.seedbootstrap.registry.ImageArchives(
                new io.seedbootstrap.registry.RegistryAccess(ca, null, null, line -> {}));
        try (InputStream in = Files.newInputStream(archive)) {
            archives.push(in, ref, "127.0.0.1:" + upstreamPort, dir);
        }
        return new CommandRunner.Result(0, "", "");
    }

    @Test
    void downloadedImagesAreOciArchivesWithThePinnedDigest() throws Exception {
        JsonNode manifest = JSON.readTree(bundle.resolve("manifest.json").toFile());
        int found = 0;
        for (JsonNode file : manifest.get("files")) {
            if (!"image-archive".equals(file.path("kind").asText())) {
                continue;
            }
            found++;
            String image = file.get("image").asText();
            String ref = image.replaceAll("@.*$", "");
            assertEquals(ref + "@" + digests.get(ref), image);
            assertEquals("images/" + SafeNames.imageArchiveName(ref), file.get("path").asText());
            Map<String, byte[]> entries = untar(bundle.resolve(file.get("path").asText()));
            JsonNode index = JSON.readTree(entries.get("index.json"));
            assertEquals(digests.get(ref), index.at("/manifests/0/digest").asText());
            assertEquals(ref, index.at("/manifests/0/annotations/io.containerd.image.name").asText());
            assertEquals(digests.get(ref), "sha256:" + sha256(entries.get("blobs/sha256/" + digests.get(ref).substring(7))));
        }
        assertEquals(2, found);
    }

    @Test
    void pushLandsEveryImageAndPrintsTheMirrorEntries() throws Exception {
        CommandRunner.Result push = push(ca, PASSWORD, sitePort);
        assertEquals(0, push.exitCode(), push.err());
        assertFalse(push.out().contains(PASSWORD) || push.err().contains(PASSWORD), "the password never shows");
        assertTrue(push.out().contains("\"127.0.0.1:" + upstreamPort + "\":"), push.out());
        assertTrue(push.out().contains("https://127.0.0.1:" + sitePort), push.out());
        assertTrue(push.out().contains("${SEED_REGISTRY_PASSWORD}"), push.out());
        for (String ref : images) {
            String repo = ref.substring(ref.indexOf('/') + 1).replaceAll(":.*$", "");
            byte[] manifest = http("GET", sitePort, "/v2/" + repo + "/manifests/" + digests.get(ref), true);
            assertEquals(digests.get(ref), "sha256:" + sha256(manifest), "pulled back by digest: the same manifest");
            JsonNode node = JSON.readTree(manifest);
            List<JsonNode> blobs = new ArrayList<>();
            blobs.add(node.get("config"));
            node.get("layers").forEach(blobs::add);
            for (JsonNode blob : blobs) {
                byte[] content = http("GET", sitePort, "/v2/" + repo + "/blobs/" + blob.get("digest").asText(), true);
                assertEquals(blob.get("digest").asText(), "sha256:" + sha256(content));
            }
            byte[] byTag = http("GET", sitePort, "/v2/" + repo + "/manifests/" + ref.replaceAll("^.*:", ""), true);
            assertEquals(digests.get(ref), "sha256:" + sha256(byTag), "the tag points at the same digest");
        }
        CommandRunner.Result again = push(ca, PASSWORD, sitePort);
        assertEquals(0, again.exitCode(), "a second push (blobs already there) works: " + again.err());
    }

    @Test
    void wrongCredentialsAreOneClearError() {
        CommandRunner.Result push = push(ca, "not-the-password", sitePort);
        assertEquals(1, push.exitCode(), push.err());
        assertTrue(push.err().contains("refused the credentials"), push.err());
        assertFalse(push.err().contains("not-the-password"));
    }

    @Test
    void wrongCaIsOneClearError() {
        CommandRunner.Result push = push(otherCa, PASSWORD, sitePort);
        assertEquals(1, push.exitCode(), push.err());
        assertTrue(push.err().contains("TLS failed"), push.err());
    }

    @Test
    void unreachableRegistryIsOneClearError() throws Exception {
        CommandRunner.Result push = push(ca, PASSWORD, freePort());
        assertEquals(1, push.exitCode(), push.err());
        assertTrue(push.err().contains("cannot reach the registry"), push.err());
    }

    @Test
    void aBundleThatDoesNotVerifyIsNotPushed() throws Exception {
        Path copy = dir.resolve("tampered");
        copyTree(bundle, copy);
        Path image = copy.resolve("images/" + SafeNames.imageArchiveName(images.get(0)));
        TestBundles.flipByte(image, Files.size(image) / 2);
        CommandRunner.Result push = CommandRunner.run(env(PASSWORD), dir, "bundle", "push", copy.toString(), "--registry",
                "127.0.0.1:" + sitePort, "--ca-file", ca.toString(), "--signing-key-fingerprint", fingerprint);
        assertEquals(1, push.exitCode(), push.err());
        assertTrue(push.err().contains(SafeNames.imageArchiveName(images.get(0))), push.err());
        assertFalse(push.err().contains("pushing "), "nothing pushed: " + push.err());
    }

    /** A mirror's docker-archive (docker save / skopeo) has no manifest: one is made, layers gzip'd, config kept. */
    @Test
    void dockerArchivesArePushedWithAManifestMadeForThem() throws Exception {
        byte[] layer = TestBundles.randomBytes(3000, 3);
        ByteArrayOutputStream layerTar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layerTar)) {
            add(tar, "file.bin", layer);
        }
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        String configName = sha256(config) + ".json";
        Path archive = dir.resolve("docker-archive.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            add(tar, configName, config);
            add(tar, "abc/layer.tar", layerTar.toByteArray());
            add(tar, "manifest.json", ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"docker.io/test/legacy:v3\"],"
                    + "\"Layers\":[\"abc/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
        }
        io.seedbootstrap.registry.ImageArchives archives = new io.seedbootstrap.registry.ImageArchives(
                new io.seedbootstrap.registry.RegistryAccess(ca, USER, io.seedbootstrap.support.Secret.literal(PASSWORD), line -> {}));
        io.seedbootstrap.registry.ImageArchives.Pushed pushed;
        try (InputStream in = Files.newInputStream(archive)) {
            pushed = archives.push(in, "docker.io/test/legacy:v3", "127.0.0.1:" + sitePort, dir);
        }
        assertFalse(pushed.digestKept());
        JsonNode manifest = JSON.readTree(http("GET", sitePort, "/v2/test/legacy/manifests/v3", true));
        assertEquals("sha256:" + sha256(config), manifest.at("/config/digest").asText(), "the config (image ID) is kept");
        byte[] gz = http("GET", sitePort, "/v2/test/legacy/blobs/" + manifest.at("/layers/0/digest").asText(), true);
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            assertEquals(sha256(layerTar.toByteArray()), sha256(in.readAllBytes()), "the layer, gzip'd, is the archive's layer");
        }
    }

    static CommandRunner.Result push(Path caFile, String password, int port) {
        return CommandRunner.run(env(password), dir, "bundle", "push", bundle.toString(), "--registry", "127.0.0.1:" + port,
                "--ca-file", caFile.toString(), "--signing-key-fingerprint", fingerprint);
    }

    static Map<String, String> env(String password) {
        return Map.of("SEED_REGISTRY_USERNAME", USER, "SEED_REGISTRY_PASSWORD", password);
    }

    static Process startRegistry(String name, int port, boolean auth) throws Exception {
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve("data"));
        String authConfig = "";
        if (auth) {
            String hash = OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), new byte[16], 10);
            Files.writeString(root.resolve("htpasswd"), USER + ":" + hash + "\n");
            authConfig = "auth:\n  htpasswd:\n    realm: seed\n    path: " + root.resolve("htpasswd") + "\n";
        }
        Files.writeString(root.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                  tls:
                    certificate: %s
                    key: %s
                %s""".formatted(root.resolve("data"), port, dir.resolve("ca/server.crt"), dir.resolve("ca/server.key"), authConfig));
        Process process = new ProcessBuilder("docker-registry", "serve", root.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " registry exited: " + Files.readString(root.resolve("log.txt")));
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " registry did not listen on " + port);
    }

    /** A CA (DIR/NAME.crt); the first one also signs the registries' server certificate for 127.0.0.1. */
    static Path makeCa(String name) throws Exception {
        Path caDir = dir.resolve("ca");
        Files.createDirectories(caDir);
        openssl(caDir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".crt");
        if (name.equals("ca")) {
            openssl(caDir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-keyout", "server.key", "-out", "server.csr");
            Files.writeString(caDir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
            openssl(caDir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                    "-extfile", "ext.cnf", "-out", "server.crt");
        }
        return caDir.resolve(name + ".crt");
    }

    static void openssl(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }

    /** An OCI layout tar of a one-layer image; returns the manifest digest. */
    static String ociArchive(Path target, String name, int size) throws Exception {
        ByteArrayOutputStream layerBytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(layerBytes))) {
            byte[] content = TestBundles.randomBytes(size, size);
            TarArchiveEntry entry = new TarArchiveEntry("data.bin");
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        byte[] layer = layerBytes.toByteArray();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{\"Cmd\":[\"/"
                + name + "\"]}}").getBytes(StandardCharsets.UTF_8);
        // pretty-printed on purpose: a registry client that re-serialises would change the digest
        byte[] manifest = ("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
                + "   \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \"sha256:" + sha256(config)
                + "\", \"size\": " + config.length + "},\n   \"layers\": [{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", "
                + "\"digest\": \"sha256:" + sha256(layer) + "\", \"size\": " + layer.length + "}]\n}\n").getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + sha256(manifest);
        String index = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + digest + "\",\"size\":" + manifest.length + "}]}";
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(target))) {
            add(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            add(tar, "index.json", index.getBytes(StandardCharsets.UTF_8));
            add(tar, "blobs/sha256/" + sha256(config), config);
            add(tar, "blobs/sha256/" + sha256(layer), layer);
            add(tar, "blobs/sha256/" + digest.substring(7), manifest);
        }
        return digest;
    }

    static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static Map<String, byte[]> untar(Path file) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), tar.readAllBytes());
            }
        }
        return entries;
    }

    /** The registry's HTTP API on loopback, trusting only the test CA. */
    static byte[] http(String method, int port, String path, boolean auth) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).method(method,
                HttpRequest.BodyPublishers.noBody()).header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json");
        if (auth) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<byte[]> response = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), path + ": " + new String(response.body(), StandardCharsets.UTF_8));
        return response.body();
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
