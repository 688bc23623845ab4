package io.seedbootstrap.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.blob.Blobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Helm charts pushed to a registry as OCI artifacts, in the form {@code helm push} writes and
 * {@code helm pull oci://...} / ArgoCD read (Helm v3.21.4 pkg/registry/client.go Push, lines
 * 741-800, and tagManifest, lines 1005-1023): an OCI image manifest whose config is the chart's
 * metadata as JSON with media type {@link #CONFIG_MEDIA_TYPE}, one layer, the chart archive as it
 * is, with media type {@link #CHART_LAYER_MEDIA_TYPE} (pkg/registry/constants.go lines 26-30),
 * tagged with the chart version ('+' written '_', pkg/registry/reference.go newReference, lines 34-60) under
 * REPOSITORY/CHART-NAME. Helm adds a creation-time annotation; this push does not, so the same
 * chart always gets the same manifest digest.
 */
public final class OciCharts {
    /** Helm's config media type (pkg/registry/constants.go ConfigMediaType). */
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json";
    /** Helm's chart layer media type (pkg/registry/constants.go ChartLayerMediaType). */
    public static final String CHART_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    /** A repository path in a registry: lower-case components separated by '/' (OCI distribution spec). */
    private static final Pattern REPOSITORY = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$");
    /**
     * The fields of Helm's chart.Metadata in its declaration order, which json.Marshal keeps
     * (Helm v3.21.4 pkg/chart/metadata.go lines 48-84), with their JSON kind; maintainers and
     * dependencies are left out (nothing that pulls a chart reads them from the config).
     */
    private static final List<String> FIELDS = List.of("name", "home", "sources:list", "version", "description", "keywords:list",
            "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated:bool", "annotations:map", "kubeVersion", "type");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryAccess access;

    public OciCharts(RegistryAccess access) {
        this.access = access;
    }

    /** What was pushed: {@code reference} is REGISTRY/REPOSITORY/NAME:TAG@DIGEST, {@code digest} the manifest's. */
    public record PushedChart(String name, String version, String reference, String digest) {
        /** The chart repository to give Helm: oci://REGISTRY/REPOSITORY. */
        public String repositoryUrl() {
            return "oci://" + reference.substring(0, reference.lastIndexOf('/'));
        }
    }

    /** Whether {@code path} may be the repository path charts are pushed under (e.g. charts or platform/charts). */
    public static boolean isRepositoryPath(String path) {
        return path != null && path.length() <= 200 && REPOSITORY.matcher(path).matches();
    }

    /** The tag Helm uses for a chart version: OCI tags have no '+', Helm writes it as '_'. */
    public static String tagOf(String version) {
        return version.replace('+', '_');
    }

    /**
     * Pushes {@code archive} (a chart .tgz whose top-level Chart.yaml said {@code chartYaml}) to
     * {@code registry} under {@code repository}/NAME:VERSION.
     *
     * @param chartYaml the fields of the archive's Chart.yaml (name and version required)
     */
    public PushedChart push(Path archive, Map<String, Object> chartYaml, String registry, String repository) throws IOException {
        if (!isRepositoryPath(repository)) {
            throw new IllegalArgumentException("\"" + repository + "\" is not a registry repository path");
        }
        String name = text(chartYaml.get("name"));
        String version = text(chartYaml.get("version"));
        if (name == null || version == null) {
            throw new IOException(archive + ": its Chart.yaml has no name or version");
        }
        byte[] config = config(chartYaml);
        String configDigest = "sha256:" + ImageArchives.sha256(config);
        String layerDigest = "sha256:" + ImageArchives.sha256(archive);
        long layerSize = Files.size(archive);
        byte[] manifest = manifest(configDigest, config.length, layerDigest, layerSize, name, version, text(chartYaml.get("description")));
        String expected = "sha256:" + ImageArchives.sha256(manifest);
        String repositoryName = repository + "/" + name;
        String target = registry + "/" + repositoryName + ":" + tagOf(version);
        try (RegistryAccess.Client client = access.client(registry, repositoryName, true)) {
            DescriptorDigest configId = DescriptorDigest.fromDigest(configDigest);
            if (client.jib().checkBlob(configId).isEmpty()) {
                client.jib().pushBlob(configId, Blobs.from(new String(config, StandardCharsets.UTF_8)), null, n -> { });
            }
            DescriptorDigest layerId = DescriptorDigest.fromDigest(layerDigest);
            if (client.jib().checkBlob(layerId).isEmpty()) {
                client.jib().pushBlob(layerId, Blobs.from(archive), null, n -> { });
            }
            DescriptorDigest pushed = client.jib().pushManifest(new ImageArchives.RawTemplate(manifest, ImageArchives.OCI_MANIFEST),
                    tagOf(version));
            if (!expected.equals(pushed.toString())) {
                throw new IOException(target + ": the registry stored digest " + pushed + ", not " + expected);
            }
        } catch (RegistryException | IOException e) {
            throw RegistryAccess.failure(registry, e);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return new PushedChart(name, version, target + "@" + expected, expected);
    }

    /**
     * Chart.yaml's fields as Helm's config blob holds them (json.Marshal of chart.Metadata, empty
     * fields omitted): for a chart whose Chart.yaml has only these fields and no '<', '>' or '&'
     * (which Go escapes), the same bytes as helm push (BundlePushIT compares the digests).
     */
    static byte[] config(Map<String, Object> chartYaml) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String field : FIELDS) {
            String[] parts = field.split(":");
            Object value = chartYaml.get(parts[0]);
            String kind = parts.length > 1 ? parts[1] : "text";
            switch (kind) {
                case "list" -> {
                    if (value instanceof List<?> items && !items.isEmpty()) {
                        config.put(parts[0], items.stream().map(OciCharts::text).toList());
                    }
                }
                case "bool" -> {
                    if (Boolean.TRUE.equals(value)) {
                        config.put(parts[0], true);
                    }
                }
                case "map" -> {
                    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                        Map<String, String> copied = new java.util.TreeMap<>(); // Go marshals map keys sorted
                        map.forEach((k, v) -> copied.put(String.valueOf(k), text(v)));
                        config.put(parts[0], copied);
                    }
                }
                default -> {
                    String text = text(value);
                    if (text != null && !text.isEmpty()) {
                        config.put(parts[0], text);
                    }
                }
            }
        }
        return JSON.writeValueAsBytes(config);
    }

    private static byte[] manifest(String configDigest, long configSize, String layerDigest, long layerSize, String name, String version,
            String description) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", ImageArchives.OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", CONFIG_MEDIA_TYPE).put("digest", configDigest).put("size", configSize);
        manifest.putArray("layers").addObject().put("mediaType", CHART_LAYER_MEDIA_TYPE).put("digest", layerDigest).put("size", layerSize);
        // the annotations Helm derives from Chart.yaml (pkg/registry/util.go generateChartOCIAnnotations), less the creation time
        ObjectNode annotations = manifest.putObject("annotations");
        if (description != null && !description.isEmpty()) {
            annotations.put("org.opencontainers.image.description", description);
        }
        annotations.put("org.opencontainers.image.title", name);
        annotations.put("org.opencontainers.image.version", version);
        return JSON.writeValueAsBytes(manifest);
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
