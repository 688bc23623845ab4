package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.bundle.TestBundles;
import com.marcnuri.helm.Helm;
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

    /**
     * The site registry's host name. Helm v3.16.4 (inside helm-java 0.0.15) reaches registries
     * through containerd's resolver, which speaks plain HTTP to "localhost" and loopback IPs
     * (containerd remotes/docker/registry.go MatchLocalhost); by this machine's own name (not
     * "localhost") it speaks TLS, as to a real site registry. The registry listens on the address
     * the name resolves to.
     */
    static final String SITE_HOST = machineName();
    static final String SITE_ADDRESS = addressOf(SITE_HOST);

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

        // the catalog's image, in the upstream registry too: bundle create --download fetches it by its digest
        catalogImage = "127.0.0.1:" + upstreamPort + "/test/catalog-web:v4";
        Path catalogArchive = dir.resolve("catalog-web.tar");
        catalogDigest = ociArchive(catalogArchive, "test/catalog-web:v4", 30_000);
        assertEquals(0, seed(catalogArchive, catalogImage).exitCode());

        Path rke2 = TestBundles.rke2Artifacts(dir);
        Path mirror = TestBundles.mirror(dir, rke2);
        Files.delete(mirror.resolve(TestBundles.RANCHER_IMAGE_FILE));
        // stand-in catalog charts (not the real traefik or velero charts, which cannot be downloaded here), packaged by
        // real Helm; the second version carries build metadata, which an OCI tag writes with '_' for '+'
        for (String[] chart : STAND_IN_CHARTS) {
            Path archive = standInChart(chart[1], chart[2]);
            Files.copy(archive, mirror.resolve(chartFile(chart)));
        }
        String bom = TestBundles.bom().replace("""
                      - ref: %s
                        digest: null
                """.formatted(TestBundles.RANCHER_IMAGE), images.stream().map(ref -> """
                      - ref: %s
                        digest: %s
                """.formatted(ref, digests.get(ref))).reduce("", String::concat));
        StringBuilder catalog = new StringBuilder("catalog:\n");
        for (String[] chart : STAND_IN_CHARTS) {
            catalog.append("  - name: ").append(chart[0]).append("\n    namespace: ").append(chart[0])
                    .append("\n    chart:\n      name: ").append(chart[1]).append("\n      version: \"").append(chart[2])
                    .append("\"\n      file: ").append(chartFile(chart)).append("\n      url: https://example.test/").append(chartFile(chart))
                    .append('\n');
            if (chart[0].equals("ingress")) { // the one catalog image; the other entry needs none
                catalog.append("      images:\n        - ref: ").append(catalogImage).append("\n          digest: ").append(catalogDigest)
                        .append('\n');
            }
        }
        String catalogText = catalog.toString();
        bom += catalogText;
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

    /** Catalog entry, stand-in chart name, chart version. */
    static final String[][] STAND_IN_CHARTS = {{"ingress", "traefik-standin", "41.3.0"}, {"backups", "velero-standin", "12.1.0+build.1"}};
    static String catalogImage;
    static String catalogDigest;

    /** The chart's file name in the mirror and the bundle: FAT32-safe, so a '+' of the version is written '_'. */
    static String chartFile(String[] chart) {
        return chart[1] + "-" + chart[2].replace('+', '_') + ".tgz";
    }

    /** A small chart (Deployment of .Values.image, Service with .Values.service.annotations), packaged by real Helm. */
    static Path standInChart(String name, String version) throws Exception {
        Path source = dir.resolve("charts-src").resolve(name);
        Files.createDirectories(source.resolve("templates"));
        Files.writeString(source.resolve("Chart.yaml"), """
                apiVersion: v2
                name: %s
                version: %s
                appVersion: "%s"
                description: A stand-in for a catalog chart in BundlePushIT (not the upstream chart)
                type: application
                """.formatted(name, version, version));
        Files.writeString(source.resolve("values.yaml"), """
                image: example.invalid/not-set:v0
                service:
                  annotations: {}
                """);
        Files.writeString(source.resolve("templates/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ .Release.Name }}
                  labels:
                    chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
                spec:
                  selector:
                    matchLabels: {app: {{ .Release.Name }}}
                  template:
                    metadata:
                      labels: {app: {{ .Release.Name }}}
                    spec:
                      containers:
                        - name: main
                          image: {{ .Values.image | quote }}
                """);
        Files.writeString(source.resolve("templates/service.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ .Release.Name }}
                  {{- with .Values.service.annotations }}
                  annotations:
                    {{- toYaml . | nindent 4 }}
                  {{- end }}
                spec:
                  type: LoadBalancer
                  selector: {app: {{ .Release.Name }}}
                  ports: [{port: 80}]
                """);
        Path out = dir.resolve("charts-packaged");
        Files.createDirectories(out);
        new Helm(source).packageIt().withDestination(out).call();
        Path archive = out.resolve(name + "-" + version + ".tgz");
        assertTrue(Files.isRegularFile(archive), "helm package made " + archive);
        return archive;
    }

    static String machineName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            if (name.equals("localhost") || name.matches("[0-9.:]+")) {
                throw new IllegalStateException("this machine's name is " + name + "; BundlePushIT needs a host name other than "
                        + "localhost that resolves to one of its addresses (see SITE_HOST)");
            }
            return name;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("this machine's name does not resolve; BundlePushIT needs it (see SITE_HOST)", e);
        }
    }

    static String addressOf(String name) {
        try {
            return java.net.InetAddress.getByName(name).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(name + " does not resolve", e);
        }
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
        assertTrue(push.out().contains("https://" + SITE_HOST + ":" + sitePort), push.out());
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

    /**
     * Every catalog chart lands in the site registry in Helm's OCI form, and real Helm (helm-java)
     * logs in, pulls each back by its OCI reference and templates it with per-cluster values.
     */
    @Test
    void catalogChartsArePushedAsOciChartsThatHelmPullsAndTemplates() throws Exception {
        CommandRunner.Result push = CommandRunner.run(env(PASSWORD), dir, "bundle", "push", bundle.toString(), "--registry",
                SITE_HOST + ":" + sitePort, "--ca-file", ca.toString(), "--signing-key-fingerprint", fingerprint, "-o", "json");
        assertEquals(0, push.exitCode(), push.err());
        JsonNode result = JSON.readTree(push.out());
        String repository = "oci://" + SITE_HOST + ":" + sitePort + "/charts";
        assertEquals(repository, result.get("chartRepository").asText());
        assertEquals(STAND_IN_CHARTS.length, result.get("charts").size());
        JsonNode bundleManifest = JSON.readTree(bundle.resolve("manifest.json").toFile());

        Helm.registry().login().withHost(SITE_HOST + ":" + sitePort).withUsername(USER).withPassword(PASSWORD).withCaFile(ca).call();
        for (int i = 0; i < STAND_IN_CHARTS.length; i++) {
            String entry = STAND_IN_CHARTS[i][0];
            String name = STAND_IN_CHARTS[i][1];
            String version = STAND_IN_CHARTS[i][2];
            String tag = version.replace('+', '_');
            JsonNode pushed = result.get("charts").get(i);
            assertEquals(entry, pushed.get("catalog").asText());
            assertEquals(SITE_HOST + ":" + sitePort + "/charts/" + name + ":" + tag + "@" + pushed.get("digest").asText(),
                    pushed.get("reference").asText());

            // the manifest as Helm writes it (pkg/registry/constants.go): config and layer media types, the layer the
            // bundle's chart archive byte for byte
            byte[] manifestBytes = http("GET", sitePort, "/v2/charts/" + name + "/manifests/" + tag, true);
            assertEquals(pushed.get("digest").asText(), "sha256:" + sha256(manifestBytes));
            JsonNode manifest = JSON.readTree(manifestBytes);
            assertEquals("application/vnd.cncf.helm.config.v1+json", manifest.at("/config/mediaType").asText());
            assertEquals("application/vnd.cncf.helm.chart.content.v1.tar+gzip", manifest.at("/layers/0/mediaType").asText());
            assertEquals(1, manifest.get("layers").size());
            String chartPath = "catalog/" + chartFile(STAND_IN_CHARTS[i]);
            String chartSha = null;
            for (JsonNode file : bundleManifest.get("files")) {
                if (file.get("path").asText().equals(chartPath)) {
                    assertEquals("catalog-chart", file.get("kind").asText());
                    chartSha = file.get("sha256").asText();
                }
            }
            assertEquals("sha256:" + chartSha, manifest.at("/layers/0/digest").asText());
            JsonNode config = JSON.readTree(http("GET", sitePort, "/v2/charts/" + name + "/blobs/" + manifest.at("/config/digest").asText(),
                    true));
            assertEquals(name, config.get("name").asText());
            assertEquals(version, config.get("version").asText());

            // real Helm's own push of the same archive: the same config and chart layer (its manifest differs only in
            // Helm's creation-time annotation, which ours leaves out so a push is reproducible)
            Path packaged = dir.resolve("charts-packaged").resolve(name + "-" + version + ".tgz");
            Helm.push().withChart(packaged).withRemote(java.net.URI.create("oci://" + SITE_HOST + ":" + sitePort + "/helm-pushed"))
                    .withCaFile(ca).call();
            JsonNode helms = JSON.readTree(http("GET", sitePort, "/v2/helm-pushed/" + name + "/manifests/" + tag, true));
            assertEquals(helms.get("config"), manifest.get("config"), "config blob as helm push writes it");
            assertEquals(helms.get("layers"), manifest.get("layers"), "chart layer as helm push writes it");

            // real Helm: pull by the OCI reference, render with a per-cluster value as the ApplicationSet would set it
            String rendered = Helm.template(repository + "/" + name).withVersion(version).withName(entry).withCaFile(ca)
                    .set("image", catalogImage + "@" + catalogDigest)
                    .set("service.annotations.metallb\\.io/loadBalancerIPs", "10.0.10.24" + i).call();
            assertTrue(rendered.contains("chart: " + name + "-" + tag), rendered);
            assertTrue(rendered.contains("image: \"" + catalogImage + "@" + catalogDigest + "\""), rendered);
            assertTrue(rendered.contains("metallb.io/loadBalancerIPs: 10.0.10.24" + i), rendered);
        }

        // the catalog's image is beside the seed images, by its upstream digest
        String repo = catalogImage.substring(catalogImage.indexOf('/') + 1).replaceAll(":.*$", "");
        assertEquals(catalogDigest, "sha256:" + sha256(http("GET", sitePort, "/v2/" + repo + "/manifests/v4", true)));
        CommandRunner.Result text = push(ca, PASSWORD, sitePort);
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("# 2 catalog charts pushed; chart repository: " + repository + "\n"
                + "#   ingress: chart traefik-standin version 41.3.0 (sha256:"), text.out());
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
                SITE_HOST + ":" + sitePort, "--ca-file", ca.toString(), "--signing-key-fingerprint", fingerprint);
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
            pushed = archives.push(in, "docker.io/test/legacy:v3", SITE_HOST + ":" + sitePort, dir);
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
        return CommandRunner.run(env(password), dir, "bundle", "push", bundle.toString(), "--registry", SITE_HOST + ":" + port,
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
                  addr: %s:%d
                  tls:
                    certificate: %s
                    key: %s
                %s""".formatted(root.resolve("data"), auth ? (SITE_ADDRESS.contains(":") ? "[" + SITE_ADDRESS + "]" : SITE_ADDRESS) : "127.0.0.1", port, dir.resolve("ca/server.crt"), dir.resolve("ca/server.key"), authConfig));
        Process process = new ProcessBuilder("docker-registry", "serve", root.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket(auth ? SITE_ADDRESS : "127.0.0.1", port)) {
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

    /** A CA (DIR/NAME.crt); the first one also signs the registries' server certificate for 127.0.0.1 and SITE_HOST. */
    static Path makeCa(String name) throws Exception {
        Path caDir = dir.resolve("ca");
        Files.createDirectories(caDir);
        openssl(caDir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".crt");
        if (name.equals("ca")) {
            openssl(caDir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-keyout", "server.key", "-out", "server.csr");
            Files.writeString(caDir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:" + SITE_HOST + ",IP:" + SITE_ADDRESS + "\n");
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + (port == sitePort ? SITE_HOST : "127.0.0.1") + ":" + port + path)).method(method,
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
