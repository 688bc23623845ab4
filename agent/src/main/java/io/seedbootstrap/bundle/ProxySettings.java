package io.seedbootstrap.bundle;

import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP(S) proxies as curl and most tools read them: https_proxy / HTTPS_PROXY, http_proxy /
 * HTTP_PROXY, and no_proxy / NO_PROXY (host names, domain suffixes with or without a leading
 * dot, "*" for none). Proxy credentials in the URL are not supported yet (refused, not leaked).
 */
public record ProxySettings(URI https, URI http, List<String> noProxy) {

    public static ProxySettings none() {
        return new ProxySettings(null, null, List.of());
    }

    public static ProxySettings from(Environment environment) {
        URI https = proxy(environment, "https_proxy", "HTTPS_PROXY");
        URI http = proxy(environment, "http_proxy", "HTTP_PROXY");
        String noProxy = first(environment, "no_proxy", "NO_PROXY").orElse("");
        List<String> entries = java.util.Arrays.stream(noProxy.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        return new ProxySettings(https, http, entries);
    }

    private static URI proxy(Environment environment, String lower, String upper) {
        Optional<String> value = first(environment, lower, upper);
        if (value.isEmpty() || value.get().isBlank()) {
            return null;
        }
        String text = value.get().trim();
        URI uri = URI.create(text.contains("://") ? text : "http://" + text);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(lower + " is not a proxy URL such as http://proxy.example.internal:3128");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(lower + " carries credentials; authenticated proxies are not supported yet");
        }
        return uri;
    }

    private static Optional<String> first(Environment environment, String lower, String upper) {
        return environment.get(lower).or(() -> environment.get(upper));
    }

    /** The proxy for a URL, or empty for a direct connection. */
    public Optional<URI> proxyFor(URI target) {
        String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
        for (String entry : noProxy) {
            String suffix = entry.startsWith(".") ? entry.substring(1) : entry;
            if (entry.equals("*") || host.equals(suffix) || host.endsWith("." + suffix)) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable("https".equalsIgnoreCase(target.getScheme()) ? https : http);
    }

    /** A ProxySelector for java.net.http.HttpClient. */
    public ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return proxyFor(uri).map(p -> List.of(new Proxy(Proxy.Type.HTTP,
                        InetSocketAddress.createUnresolved(p.getHost(), p.getPort() > 0 ? p.getPort() : 80))))
                        .orElse(List.of(Proxy.NO_PROXY));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // the downloader's retries handle it
            }
        };
    }
}
