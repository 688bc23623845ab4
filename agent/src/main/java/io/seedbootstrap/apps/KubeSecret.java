package io.seedbootstrap.apps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.support.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Kubernetes Secret a seed app needs. Created with kubectl on the bootstrap server, fed on
 * stdin (architecture house rule 4): never a file in the manifests folder (plain text on disk,
 * re-applied at every RKE2 start, which would undo a rotation) nor chart valuesContent.
 *
 * @param publicData  keys whose values are not secret (a certificate, a URL): compared with the
 *                    cluster's copy, and the Secret is re-applied when they, the labels or the annotations differ
 * @param annotations its annotations (the seed's cluster Secret: per-cluster values ApplicationSets read)
 * @param secretData  the secret keys, computed only when the Secret is written (a generated
 *                    password or a bcrypt hash is made once)
 * @param createOnly  created once and then left to the application (passwords, keys it may rotate):
 *                    never compared or re-applied
 */
public record KubeSecret(String namespace, String name, String type, Map<String, String> labels, Map<String, String> annotations,
        Map<String, byte[]> publicData, Supplier<Map<String, byte[]>> secretData, boolean createOnly) {

    public KubeSecret {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        publicData = Map.copyOf(publicData);
    }

    /** A Secret without annotations (all but the seed's cluster Secret). */
    public KubeSecret(String namespace, String name, String type, Map<String, String> labels, Map<String, byte[]> publicData,
            Supplier<Map<String, byte[]>> secretData, boolean createOnly) {
        this(namespace, name, type, labels, Map.of(), publicData, secretData, createOnly);
    }

    public static final String TLS = "kubernetes.io/tls";
    public static final String OPAQUE = "Opaque";

    /** The whole Secret as JSON for {@code kubectl ... -f -}: holds secret values, goes only to a command's stdin. */
    public byte[] json() {
        ObjectNode root = Json.json().createObjectNode();
        root.put("apiVersion", "v1").put("kind", "Secret");
        ObjectNode metadata = root.putObject("metadata").put("name", name).put("namespace", namespace);
        if (!labels.isEmpty()) {
            ObjectNode l = metadata.putObject("labels");
            new java.util.TreeMap<>(labels).forEach(l::put);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = metadata.putObject("annotations");
            new java.util.TreeMap<>(annotations).forEach(a::put);
        }
        root.put("type", type);
        ObjectNode data = root.putObject("data");
        Map<String, byte[]> all = new LinkedHashMap<>(new java.util.TreeMap<>(publicData));
        all.putAll(secretData.get());
        all.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
        try {
            return Json.json().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render Secret " + namespace + "/" + name, e);
        }
    }

    public String describe() {
        return "Secret " + namespace + "/" + name + " (" + type + (createOnly ? ", created once" : "") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    static Map<String, byte[]> utf8(Map<String, String> values) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
