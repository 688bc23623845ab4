package io.seedbootstrap.registry;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.Response;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryClient;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;

/**
 * Registry clients from jib-core, the only package that imports it. Jib does the registry
 * protocol (auth challenges, bearer tokens, blob checks, uploads, digest-checked blob pulls);
 * two things it keeps internal are reached here, pinned to jib-core 0.27.3 and covered by
 * BundlePushIT:
 * <ul>
 *   <li>its HTTP client takes TLS trust from the JVM-wide default; a site CA ({@code --ca-file})
 *       must apply to one registry only, so the transport is handed in through the constructor
 *       Jib's own tests use;</li>
 *   <li>it parses manifests into its templates, which loses the exact bytes and so the digest
 *       the BOM pins; raw manifests go through the client's own endpoint caller.</li>
 * </ul>
 */
public final class RegistryAccess {
    /** Manifest kinds asked for; indexes come first so a multi-arch digest resolves to its index. */
    static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final SSLContext tls;
    private final Credential credential;
    private final Consumer<String> log;

    /**
     * @param caFile PEM certificates to trust instead of the JDK's (a site registry signed by the
     *     site CA); null: the JDK's trusted roots
     * @param username null for anonymous access
     */
    public RegistryAccess(Path caFile, String username, Secret password, Consumer<String> log) {
        this.tls = sslContext(caFile);
        this.credential = username == null ? null : Credential.from(username, password.reveal());
        this.log = log;
    }

    /**
     * As the constructor, for operator input: an unreadable {@code caFile} or one holding no
     * certificate is bad input (exit 2) naming the file.
     */
    public static RegistryAccess checked(Path caFile, String username, Secret password, Consumer<String> log) {
        if (caFile != null && !Files.isReadable(caFile)) {
            throw SeedException.badInput("--ca-file " + caFile + ": no such readable file");
        }
        try {
            return new RegistryAccess(caFile, username, password, log);
        } catch (IllegalArgumentException e) {
            throw SeedException.badInput(e.getMessage());
        }
    }

    /** A manifest as the registry serves it: the exact bytes (whose sha256 is its digest) and media type. */
    public record RawManifest(byte[] bytes, String mediaType) {}

    /** A client for one repository; authenticated for pulling or for pushing. */
    public Client client(String registry, String repository, boolean push) throws IOException, RegistryException {
        FailoverHttpClient http = httpClient();
        RegistryClient.Factory factory = RegistryClient.factory(EventHandlers.builder()
                .add(LogEvent.class, event -> log.accept(event.getMessage())).build(), registry, repository, http)
                .setUserAgent("seed-bootstrap");
        if (credential != null) {
            factory.setCredential(credential);
        }
        RegistryClient client = factory.newRegistryClient();
        boolean bearer = push ? client.doPushBearerAuth() : client.doPullBearerAuth();
        if (!bearer && credential != null) {
            client.configureBasicAuth();
        }
        return new Client(client, http, registry + "/" + repository);
    }

    /** One repository's client; close it to release its connections. */
    public static final class Client implements AutoCloseable {
        private final RegistryClient registry;
        private final FailoverHttpClient http;
        private final String name;

        Client(RegistryClient registry, FailoverHttpClient http, String name) {
            this.registry = registry;
            this.http = http;
            this.name = name;
        }

        public RegistryClient jib() {
            return registry;
        }

        /** GET /v2/REPO/manifests/QUALIFIER through Jib's endpoint caller (auth, retries, errors), keeping the bytes. */
        public RawManifest manifest(String qualifier) throws IOException, RegistryException {
            Class<?> provider;
            try {
                provider = Class.forName("com.google.cloud.tools.jib.registry.RegistryEndpointProvider");
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jib-core changed: no RegistryEndpointProvider", e);
            }
            Object endpoint = Proxy.newProxyInstance(provider.getClassLoader(), new Class<?>[] {provider}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getHttpMethod": return "GET";
                    case "getApiRoute": return new URL(args[0] + repositoryOf(name) + "/manifests/" + qualifier);
                    case "getContent": return null;
                    case "getAccept": return MANIFEST_TYPES;
                    case "handleResponse": {
                        Response response = (Response) args[0];
                        try (InputStream body = response.getBody()) {
                            List<String> type = response.getHeader("Content-Type");
                            String mediaType = type == null || type.isEmpty() ? null : type.get(0).replaceAll(";.*$", "").trim();
                            return new RawManifest(body.readAllBytes(), mediaType);
                        }
                    }
                    case "handleHttpResponseException": throw (ResponseException) args[0];
                    case "getActionDescription": return "pull manifest " + name + ":" + qualifier;
                    case "toString": return "manifest " + name + ":" + qualifier;
                    case "hashCode": return System.identityHashCode(proxy);
                    case "equals": return proxy == args[0];
                    default: throw new UnsupportedOperationException(method.getName());
                }
            });
            try {
                Method call = RegistryClient.class.getDeclaredMethod("callRegistryEndpoint", provider);
                call.setAccessible(true);
                return (RawManifest) call.invoke(registry, endpoint);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RegistryException r) {
                    throw r;
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("jib-core changed: RegistryClient.callRegistryEndpoint is not reachable", e);
            }
        }

        private static String repositoryOf(String name) {
            return name.substring(name.indexOf('/') + 1);
        }

        @Override
        public void close() throws IOException {
            http.shutDown();
        }
    }

    /** A registry failure as one message saying what to check; the cause chain is kept for --verbose. */
    public static final class RegistryFailure extends IOException {
        private static final long serialVersionUID = 1L;

        RegistryFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Names the usual causes (unreachable, TLS trust, credentials) instead of Jib's wording. */
    static IOException failure(String what, Exception e) {
        if (e instanceof RegistryFailure f) {
            return f;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertificateException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return new RegistryFailure(what + ": TLS failed: the registry's certificate is not signed by the trusted CA "
                        + "(--ca-file) or does not name this host (" + t.getMessage() + ")", e);
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof org.apache.http.conn.HttpHostConnectException
                    || t instanceof java.net.SocketTimeoutException) {
                return new RegistryFailure(what + ": cannot reach the registry (" + t.getClass().getSimpleName() + ": " + t.getMessage()
                        + "); check the address, the port and that it serves HTTPS", e);
            }
            if (t instanceof com.google.cloud.tools.jib.api.RegistryUnauthorizedException
                    || t instanceof com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException
                    || t instanceof com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException
                    || (t.getMessage() != null && t.getMessage().contains("401"))) {
                return new RegistryFailure(what + ": the registry refused the credentials (HTTP 401/403); check the user and "
                        + "password in the environment variables", e);
            }
        }
        return new RegistryFailure(what + ": " + e.getMessage(), e);
    }

    private FailoverHttpClient httpClient() {
        Supplier<HttpTransport> secure = () -> new ApacheHttpTransport(ApacheHttpTransport.newDefaultHttpClientBuilder()
                .setSSLSocketFactory(new SSLConnectionSocketFactory(tls)).build());
        Supplier<HttpTransport> never = () -> {
            throw new IllegalStateException("plain HTTP is never used for registries");
        };
        try {
            Constructor<FailoverHttpClient> constructor = FailoverHttpClient.class.getDeclaredConstructor(boolean.class, boolean.class,
                    Consumer.class, Supplier.class, Supplier.class, boolean.class);
            constructor.setAccessible(true);
            Consumer<LogEvent> logger = event -> log.accept(event.getMessage());
            // no HTTP or insecure-TLS failover, no credentials over HTTP; no transport-level retries: an unreachable
            // registry or an untrusted certificate does not heal, and Jib's retries made each such failure take ~50 s
            return constructor.newInstance(false, false, logger, secure, never, false);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jib-core changed: FailoverHttpClient's transport constructor is not reachable", e);
        }
    }

    private static SSLContext sslContext(Path caFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (caFile == null) {
                context.init(null, null, null);
                return context;
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caFile)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(caFile + ": not a readable PEM certificate file (" + e.getMessage() + ")", e);
        }
    }
}
