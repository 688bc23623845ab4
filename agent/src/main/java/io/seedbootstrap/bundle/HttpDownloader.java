package io.seedbootstrap.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fetches BOM files over HTTP(S) into a cache directory for bundle create: proxies from the
 * environment, bounded retries with backoff on network errors and 5xx/429, resume of a partial
 * download with a Range request, and the BOM's sha256 checked on arrival (a mismatch is not
 * retried: it cannot heal; the partial file is deleted). Image references are not fetched here
 * but by {@link RegistryImageSource}.
 */
public final class HttpDownloader implements ArtifactSource {
    /** How hard to try. */
    public record Settings(Path cacheDirectory, ProxySettings proxy, int attempts, Duration firstBackoff, Duration connectTimeout,
            Duration readTimeout) {
        public static Settings defaults(Path cacheDirectory, ProxySettings proxy) {
            return new Settings(cacheDirectory, proxy, 5, Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofMinutes(2));
        }
    }

    private final Settings settings;
    private final HttpClient client;
    private final Consumer<String> log;

    public HttpDownloader(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.connectTimeout())
                .proxy(settings.proxy().selector())
                .build();
    }

    @Override
    public Optional<Path> locate(BundlePlan.PlannedFile file) throws IOException {
        if (file.url() == null || !(file.url().startsWith("https://") || file.url().startsWith("http://"))) {
            return Optional.empty();
        }
        Path target = cachePath(file);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        if (Files.isRegularFile(target) && (file.expectedSha256() == null || file.expectedSha256().equals(sha256(target)))) {
            return Optional.of(target);
        }
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        IOException last = null;
        Duration backoff = settings.firstBackoff();
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            try {
                fetch(URI.create(file.url()), partial);
                break;
            } catch (PermanentFailure e) {
                throw e;
            } catch (IOException e) {
                last = e;
                if (attempt == settings.attempts()) {
                    throw new IOException(file.url() + ": gave up after " + attempt + " attempts: " + e.getMessage(), e);
                }
                log.accept("retrying " + file.url() + " in " + backoff.toSeconds() + " s (attempt " + attempt + " of "
                        + settings.attempts() + " failed: " + e.getMessage() + ")");
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        if (file.expectedSha256() != null) {
            String actual = sha256(partial);
            if (!actual.equals(file.expectedSha256())) {
                Files.delete(partial);
                throw new PermanentFailure(file.url() + ": arrived with sha256 " + actual + ", but the BOM pins " + file.expectedSha256()
                        + "; not retrying (the server holds another file than the BOM names)");
            }
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return Optional.of(target);
    }

    @Override
    public String describe(BundlePlan.PlannedFile file) {
        return file.url() != null ? file.url() : file.mirrorName();
    }

    /** The cache name: a short hash of the URL (same name, other URL: another file) and the file name. */
    private Path cachePath(BundlePlan.PlannedFile file) {
        String key = Sha256.hex(file.url().getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
        return settings.cacheDirectory().resolve(key + "-" + file.mirrorName().replace('/', '_'));
    }

    /** One attempt: resumes from the partial file's length when the server supports ranges. */
    private void fetch(URI uri, Path partial) throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.readTimeout()).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PermanentFailure("interrupted while downloading " + uri);
        }
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            boolean append;
            if (status == 206 && have > 0) {
                append = true;
                log.accept("resuming " + uri + " at byte " + have);
            } else if (status == 200) {
                append = false;
                log.accept("downloading " + uri + response.headers().firstValueAsLong("Content-Length")
                        .stream().mapToObj(n -> " (" + n + " bytes)").findFirst().orElse(""));
            } else if (status == 416 && have > 0) {
                Files.delete(partial); // the partial file is longer than the resource: start over next attempt
                throw new IOException("the server refused to resume (416)");
            } else if (status == 429 || status >= 500) {
                throw new IOException("HTTP " + status);
            } else {
                throw new PermanentFailure(uri + ": HTTP " + status + (status == 404 ? " (not found: check the BOM's url)"
                        : status == 407 ? " (the proxy wants credentials)" : ""));
            }
            long expectedLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            long copied = 0;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[Sha256.BUFFER_SIZE];
                int n;
                while ((n = body.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    copied += n;
                }
            }
            if (expectedLength >= 0 && copied != expectedLength) {
                throw new IOException("connection ended after " + copied + " of " + expectedLength + " bytes");
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[Sha256.BUFFER_SIZE];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return Sha256.hex(digest);
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PermanentFailure("interrupted while waiting to retry");
        }
    }

    /** A failure retrying cannot fix: 4xx, checksum mismatch, interruption. */
    static final class PermanentFailure extends IOException {
        private static final long serialVersionUID = 1L;

        PermanentFailure(String message) {
            super(message);
        }
    }
}
