package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server that misbehaves on purpose. */
class HttpDownloaderTest {
    @TempDir
    Path dir;

    HttpServer server;
    String base;
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Per path: what to do on each request, in order ("ok", "cut", "503", "404"); "ok" once the list is used up. */
    final Map<String, List<String>> script = new ConcurrentHashMap<>();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String range = exchange.getRequestHeaders().getFirst("Range");
        requests.add(exchange.getRequestURI() + (range == null ? "" : " " + range));
        List<String> steps = script.getOrDefault(path, new ArrayList<>());
        String step = steps.isEmpty() ? "ok" : steps.remove(0);
        byte[] content = files.get(path);
        try (exchange) {
            if (content == null || step.equals("404")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (step.equals("503")) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            int from = 0;
            if (range != null && range.startsWith("bytes=")) {
                from = Integer.parseInt(range.substring(6, range.length() - 1));
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
                exchange.sendResponseHeaders(206, content.length - from);
            } else {
                exchange.sendResponseHeaders(200, content.length);
            }
            OutputStream body = exchange.getResponseBody();
            if (step.equals("cut")) {
                body.write(content, from, (content.length - from) / 2);
                body.flush();
                throw new IOException("cut on purpose"); // the server drops the connection mid-body
            }
            body.write(content, from, content.length - from);
        }
    }

    private HttpDownloader downloader(ProxySettings proxy) {
        return new HttpDownloader(new HttpDownloader.Settings(dir.resolve("cache"), proxy, 4, Duration.ofMillis(10),
                Duration.ofSeconds(5), Duration.ofSeconds(20)), log::add);
    }

    private BundlePlan.PlannedFile planned(String name, String url, String sha256) {
        return new BundlePlan.PlannedFile("rke2/" + name, name, FileKind.RKE2_TARBALL, "rke2", "v1.35.7+rke2r1", null, null, null, url, sha256);
    }

    @Test
    void downloadsOnceThenServesFromTheCache() throws Exception {
        files.put("/rke2.linux-amd64.tar.gz", TestBundles.randomBytes(300_000, 1));
        BundlePlan.PlannedFile file = planned("rke2.linux-amd64.tar.gz", base + "rke2.linux-amd64.tar.gz",
                Sha256.hex(files.get("/rke2.linux-amd64.tar.gz")));
        HttpDownloader downloader = downloader(ProxySettings.none());
        Path first = downloader.locate(file).orElseThrow();
        assertArrayEquals(files.get("/rke2.linux-amd64.tar.gz"), Files.readAllBytes(first));
        assertEquals(first, downloader.locate(file).orElseThrow());
        assertEquals(1, requests.size(), "the second locate is served from the cache");
    }

    @Test
    void resumesACutDownloadWithARangeRequest() throws Exception {
        byte[] content = TestBundles.randomBytes(400_000, 2);
        files.put("/big.tar.zst", content);
        script.put("/big.tar.zst", new ArrayList<>(List.of("cut")));
        Path path = downloader(ProxySettings.none()).locate(planned("big.tar.zst", base + "big.tar.zst", Sha256.hex(content))).orElseThrow();
        assertArrayEquals(content, Files.readAllBytes(path));
        assertEquals(2, requests.size(), requests.toString());
        assertTrue(requests.get(1).matches("/big\\.tar\\.zst bytes=[1-9][0-9]*-"), requests.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("resuming " + base + "big.tar.zst at byte ")), log.toString());
    }

    @Test
    void retriesServerErrorsWithBackoff() throws Exception {
        files.put("/install.sh", "#!/bin/sh\n".getBytes());
        script.put("/install.sh", new ArrayList<>(List.of("503", "503")));
        Path path = downloader(ProxySettings.none()).locate(planned("install.sh", base + "install.sh", null)).orElseThrow();
        assertEquals("#!/bin/sh\n", Files.readString(path));
        assertEquals(3, requests.size());
        assertEquals("retrying " + base + "install.sh in 0 s (attempt 1 of 4 failed: HTTP 503)", log.get(0));
    }

    @Test
    void aMissingFileFailsAtOnce() {
        IOException e = assertThrows(IOException.class,
                () -> downloader(ProxySettings.none()).locate(planned("nope.txt", base + "nope.txt", null)));
        assertEquals(base + "nope.txt: HTTP 404 (not found: check the BOM's url)", e.getMessage());
        assertEquals(1, requests.size());
    }

    @Test
    void aChecksumMismatchOnArrivalIsNotRetriedAndLeavesNothing() throws Exception {
        files.put("/sha256sum-amd64.txt", "abc  x\n".getBytes());
        String pinned = "1".repeat(64);
        IOException e = assertThrows(IOException.class, () -> downloader(ProxySettings.none())
                .locate(planned("sha256sum-amd64.txt", base + "sha256sum-amd64.txt", pinned)));
        assertEquals(base + "sha256sum-amd64.txt: arrived with sha256 " + Sha256.hex("abc  x\n".getBytes()) + ", but the BOM pins "
                + pinned + "; not retrying (the server holds another file than the BOM names)", e.getMessage());
        assertEquals(1, requests.size());
        try (var cached = Files.list(dir.resolve("cache"))) {
            assertEquals(List.of(), cached.toList());
        }
    }

    @Test
    void goesThroughTheProxyTheEnvironmentNamesExceptForNoProxyHosts() throws Exception {
        files.put("/proxied.txt", "via proxy\n".getBytes());
        ProxySettings proxy = ProxySettings.from(Environment.of(Map.of("http_proxy", base, "no_proxy", "localhost,.internal")));
        Path path = downloader(proxy).locate(planned("proxied.txt", "http://mirror.example.test/proxied.txt", null)).orElseThrow();
        assertEquals("via proxy\n", Files.readString(path));
        assertEquals(List.of("http://mirror.example.test/proxied.txt"), requests, "the proxy got the absolute URL");

        assertEquals(Optional.empty(), proxy.proxyFor(URI.create("http://registry.site.internal/x")));
        assertEquals(Optional.empty(), proxy.proxyFor(URI.create("http://localhost:5000/x")));
        assertEquals(Optional.empty(), proxy.proxyFor(URI.create("https://example.test/x")), "no https_proxy set");
        ProxySettings upper = ProxySettings.from(Environment.of(Map.of("HTTPS_PROXY", "proxy.corp:3128")));
        assertEquals(Optional.of(URI.create("http://proxy.corp:3128")), upper.proxyFor(URI.create("https://github.com/x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxySettings.from(Environment.of(Map.of("https_proxy", "http://user:secret@proxy.corp:3128"))));
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void bundleCreateDownloadsWhatTheMirrorLacks() throws Exception {
        Path artifacts = TestBundles.rke2Artifacts(dir);
        Path mirror = TestBundles.mirror(dir, artifacts);
        // the server holds everything with a URL; the mirror keeps only the image archive
        try (var listing = Files.walk(mirror)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                String name = mirror.relativize(file).toString();
                if (!name.startsWith("images/")) {
                    String dirName = name.endsWith(".tgz") ? "charts/" : name.equals("rancher-images.txt") ? "lists/" : "rke2/";
                    files.put("/" + dirName + name, Files.readAllBytes(file));
                    Files.delete(file);
                }
            }
        }
        BundleSigningKey key = BundleSigningKey.generate();
        String bom = TestBundles.bom().replace("https://example.test/", base);
        var loaded = TestBundles.loadBom(dir, bom);
        ArtifactSource sources = new ArtifactSources(List.of(new LocalMirror(mirror), downloader(ProxySettings.none())));
        BundleManifest manifest = new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(loaded, sources, dir.resolve("bundle"),
                key, BundleBuilder.DEFAULT_SPLIT_SIZE, TestBundles.BUILD_TIME, "test")).manifest();
        assertEquals(13, manifest.files().size());
        assertEquals(11, requests.size(), "every file with a URL was downloaded once: " + requests);
        assertEquals(List.of(), new BundleVerifier(2, Progress.none())
                .verify(dir.resolve("bundle"), BundleVerifier.Trust.pinned(key.fingerprint(), "test")).problems());
        AtomicInteger before = new AtomicInteger(requests.size());
        Files.walk(dir.resolve("bundle")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(loaded, sources, dir.resolve("bundle"), key,
                BundleBuilder.DEFAULT_SPLIT_SIZE, TestBundles.BUILD_TIME, "test"));
        assertEquals(before.get(), requests.size(), "a second build is served from the download cache");
    }
}
