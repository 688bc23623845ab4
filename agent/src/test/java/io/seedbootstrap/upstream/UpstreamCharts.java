package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed charts as the bundle carries them, made from upstream's sources in
 * ../shared/upstream/charts: a scratch copy of each chart with exactly the edits upstream's own
 * release makes (or that rendering here needs, each named below), packaged by real Helm.
 *
 * <ul>
 *   <li>cert-manager: Chart.template.yaml becomes Chart.yaml with version/appVersion v1.20.3 and
 *       {{IS_PRERELEASE}} = false (upstream's release tool, ../shared/upstream/README.md);</li>
 *   <li>rancher: %VERSION% 2.14.3, %APP_VERSION% v2.14.3, the hook images rancher/shell (the BOM pins
 *       no shell tag: the tag is a stand-in, it names no image we check);</li>
 *   <li>argo-cd: the redis-ha dependency (condition redis-ha.enabled, not in shared) is removed from
 *       Chart.yaml and Chart.lock dropped, allowed only because our values leave redis-ha.enabled at
 *       false, which {@link #assertDependencyDisabled} checks on the values actually rendered with;</li>
 *   <li>every chart: kubeVersion is dropped, because helm-java 0.0.15 templates as Kubernetes v1.20
 *       and has no option for another version; the bundle verification checks each chart's
 *       kubeVersion against the bundle's Kubernetes (BundleVerifier, contract E.4).</li>
 * </ul>
 * MetalLB needs no removal: its frr-k8s dependency is in shared as charts/frr-k8s-0.0.25.tgz.
 */
final class UpstreamCharts {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Packaged(String name, String version, Path archive) {
        byte[] bytes() {
            try {
                return Files.readAllBytes(archive);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private UpstreamCharts() {}

    /** Scratch copy under {@code work}, edited as described above, then {@code helm package}. */
    static Packaged packaged(String chart, Path work) throws IOException {
        Path source = Upstream.path("charts/" + chart);
        Path scratch = work.resolve("src").resolve(chart);
        copy(source, scratch);
        switch (chart) {
            case "cert-manager" -> {
                String template = Files.readString(scratch.resolve("Chart.template.yaml"))
                        .replace("version: v0.0.0", "version: v1.20.3").replace("appVersion: v0.0.0", "appVersion: v1.20.3")
                        .replace("{{IS_PRERELEASE}}", "false");
                Files.writeString(scratch.resolve("Chart.yaml"), template);
                Files.delete(scratch.resolve("Chart.template.yaml"));
            }
            case "rancher" -> {
                replace(scratch.resolve("Chart.yaml"), "%VERSION%", "2.14.3");
                replace(scratch.resolve("Chart.yaml"), "%APP_VERSION%", "v2.14.3");
                Path values = scratch.resolve("values.yaml");
                replace(values, "%POST_DELETE_IMAGE_NAME%", "rancher/shell");
                replace(values, "%PRE_UPGRADE_IMAGE_NAME%", "rancher/shell");
                replace(values, "%POST_DELETE_IMAGE_TAG%", "v0.0.0-not-pinned-by-the-bom");
                replace(values, "%PRE_UPGRADE_IMAGE_TAG%", "v0.0.0-not-pinned-by-the-bom");
            }
            case "argo-cd" -> {
                ObjectNode chartYaml = (ObjectNode) YAML.readTree(scratch.resolve("Chart.yaml").toFile());
                ArrayNode kept = YAML.createArrayNode();
                for (JsonNode dependency : chartYaml.path("dependencies")) {
                    if (!dependency.path("name").asText().equals("redis-ha")) {
                        kept.add(dependency);
                    }
                }
                if (kept.isEmpty()) {
                    chartYaml.remove("dependencies");
                } else {
                    chartYaml.set("dependencies", kept);
                }
                YAML.writeValue(scratch.resolve("Chart.yaml").toFile(), chartYaml);
                Files.delete(scratch.resolve("Chart.lock"));
            }
            default -> { }
        }
        dropKubeVersion(scratch.resolve("Chart.yaml"));
        JsonNode chartYaml = YAML.readTree(scratch.resolve("Chart.yaml").toFile());
        assertTrue(chartYaml.path("kubeVersion").isMissingNode(), chart);
        Path out = work.resolve("packaged");
        Files.createDirectories(out);
        new Helm(scratch).packageIt().withDestination(out).call();
        String version = chartYaml.path("version").asText();
        Path archive = out.resolve(chartYaml.path("name").asText() + "-" + version + ".tgz");
        assertTrue(Files.isRegularFile(archive), () -> "helm package made no " + archive);
        return new Packaged(chart, version, archive);
    }

    /** A chart dependency removed from the scratch copy must be off in the values the chart was rendered with. */
    static void assertDependencyDisabled(JsonNode effectiveValues, String condition) {
        JsonNode value = effectiveValues;
        for (String key : condition.split("\\.")) {
            value = value.path(key);
        }
        assertEquals(false, value.asBoolean(false), condition + " must stay false: its chart is not in ../shared/upstream");
    }

    /** The chart's own values.yaml from the scratch source, for checks on defaults. */
    static JsonNode defaults(Path work, String chart) throws IOException {
        return YAML.readTree(work.resolve("src").resolve(chart).resolve("values.yaml").toFile());
    }

    /** Every document of a rendered YAML stream, empty ones skipped. */
    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && document.isObject() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static void dropKubeVersion(Path chartYaml) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(chartYaml));
        lines.removeIf(line -> line.startsWith("kubeVersion:"));
        Files.write(chartYaml, lines);
    }

    private static void replace(Path file, String placeholder, String value) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(placeholder), () -> file + " has no " + placeholder + " any more: update " + UpstreamCharts.class);
        Files.writeString(file, text.replace(placeholder, value));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                    target.toFile().setWritable(true, true);
                }
            }
        }
    }
}
