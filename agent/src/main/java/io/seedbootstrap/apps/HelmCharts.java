package io.seedbootstrap.apps;

import io.seedbootstrap.rke2.ConfigYaml;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HelmChart resources for the manifests folder (contract D), the chart carried inline as chartContent. */
public final class HelmCharts {
    /**
     * D: chartContent is stored in a ConfigMap ({@code chart-content-<name>}), and a ConfigMap
     * holds at most 1 MiB; the margin leaves room for the key and metadata.
     */
    public static final int MAX_CHART_CONTENT = 1024 * 1024 - 4096;
    /** D: helm-controller's default is 300 s; Rancher and ArgoCD images start slower on small machines. */
    public static final String TIMEOUT = "600s";

    private HelmCharts() {}

    /** A Secret in the HelmChart's namespace whose key holds values YAML (D {@code valuesSecrets}). */
    public record ValuesSecret(String name, String key) {}

    /** The base64 length chartContent would have for a chart of {@code size} bytes. */
    public static long chartContentLength(long size) {
        return 4 * ((size + 2) / 3);
    }

    public static String render(String name, String targetNamespace, byte[] chart, Map<String, Object> values, List<ValuesSecret> valuesSecrets,
            String comment) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", "kube-system");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("targetNamespace", targetNamespace);
        spec.put("createNamespace", true);
        spec.put("chartContent", Base64.getEncoder().encodeToString(chart));
        // D: abort, as the docs recommend for charts like Rancher: a failed upgrade is not retried into a reinstall
        spec.put("failurePolicy", "abort");
        spec.put("timeout", TIMEOUT);
        if (!values.isEmpty()) {
            spec.put("valuesContent", ConfigYaml.write(values));
        }
        if (!valuesSecrets.isEmpty()) {
            List<Map<String, Object>> refs = new ArrayList<>();
            for (ValuesSecret secret : valuesSecrets) {
                Map<String, Object> ref = new LinkedHashMap<>();
                ref.put("name", secret.name());
                ref.put("keys", List.of(secret.key()));
                refs.add(ref);
            }
            spec.put("valuesSecrets", refs);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "helm.cattle.io/v1");
        document.put("kind", "HelmChart");
        document.put("metadata", metadata);
        document.put("spec", spec);
        return "# Written by seed-bootstrap (contract D" + (comment.isEmpty() ? "" : ", " + comment) + "). No secret here: "
                + "they are Secrets created with kubectl.\n" + ConfigYaml.write(document);
    }

    /** Several documents as one file. */
    static String documents(String comment, List<Map<String, Object>> documents) {
        StringBuilder text = new StringBuilder("# Written by seed-bootstrap (" + comment + ").\n");
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) {
                text.append("---\n");
            }
            text.append(ConfigYaml.write(documents.get(i)));
        }
        return text.toString();
    }

    static Map<String, Object> object(String apiVersion, String kind, String name, String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", apiVersion);
        document.put("kind", kind);
        document.put("metadata", metadata);
        return document;
    }

    /**
     * A value whose own key holds dots (a chart's {@code configs.params."server.insecure"}),
     * under the map at {@code dottedParent}.
     */
    @SuppressWarnings("unchecked")
    static void putKey(Map<String, Object> root, String dottedParent, String key, Object value) {
        Map<String, Object> map = root;
        for (String part : dottedParent.split("\\.")) {
            map = (Map<String, Object>) map.computeIfAbsent(part, k -> new LinkedHashMap<String, Object>());
        }
        map.put(key, value);
    }

    /** Nested maps from dotted paths, for readable value trees. */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, String dottedPath, Object value) {
        String[] keys = dottedPath.split("\\.");
        Map<String, Object> map = root;
        for (int i = 0; i < keys.length - 1; i++) {
            map = (Map<String, Object>) map.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
        }
        map.put(keys[keys.length - 1], value);
    }
}
