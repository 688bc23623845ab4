package io.seedbootstrap.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Kubernetes API server that knows no object, on loopback only, for Helm's {@code lookup}
 * (rancher's templates/secret.yaml looks up bootstrap-secret): helm-java templates with a live
 * client and fails without an answer (../shared/upstream/README.md "Rendering with helm-java").
 * It answers core discovery ({@code /api}, {@code /api/v1}, an empty {@code /apis}) and 404 for
 * everything else, as a fresh cluster would for a Secret that does not exist yet. The tests point
 * Helm at it through a kubeconfig they write themselves (KUBECONFIG, set by the surefire
 * configuration), never at a real cluster.
 */
final class StubApiServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    StubApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Method and path of every request, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** A kubeconfig whose only cluster is this stub. */
    void writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters: [{name: stub, cluster: {server: \"" + url() + "\"}}]",
                "users: [{name: stub, user: {}}]",
                "contexts: [{name: stub, context: {cluster: stub, user: stub}}]",
                "current-context: stub", ""));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String body;
        int status = 200;
        switch (path) {
            case "/api" -> body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                    + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
            case "/api/v1" -> body = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                    + "{\"name\":\"secrets\",\"singularName\":\"secret\",\"namespaced\":true,\"kind\":\"Secret\","
                    + "\"verbs\":[\"get\",\"list\"]},"
                    + "{\"name\":\"configmaps\",\"singularName\":\"configmap\",\"namespaced\":true,\"kind\":\"ConfigMap\","
                    + "\"verbs\":[\"get\",\"list\"]},"
                    + "{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,\"kind\":\"Namespace\","
                    + "\"verbs\":[\"get\",\"list\"]}]}";
            case "/apis" -> body = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
            case "/version" -> body = "{\"major\":\"1\",\"minor\":\"35\",\"gitVersion\":\"v1.35.7\"}";
            default -> {
                status = 404;
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
                        + "\"message\":\"not found\"}";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
