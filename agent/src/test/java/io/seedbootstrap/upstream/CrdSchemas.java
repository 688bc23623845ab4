package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The openAPIV3Schema of each served version of upstream's CRDs, as a JSON Schema that also
 * rejects unknown fields, validated with networknt's json-schema-validator.
 *
 * <p>Why the transformation: an openAPIV3Schema lets an object carry fields it does not list
 * (JSON Schema's default), but the API server does not keep them: for a structural schema it
 * prunes every field that is neither in {@code properties} nor allowed by
 * {@code additionalProperties} or {@code x-kubernetes-preserve-unknown-fields: true}, silently
 * with client-side apply and RKE2's manifest folder, or as an error under strict field validation
 * (Kubernetes "Structural schemas"/"Field pruning", apiextensions pruning). Either way a field the
 * schema does not know is a bug in what we write. So every object schema that lists
 * {@code properties} and neither sets {@code additionalProperties} nor preserves unknown fields
 * gets {@code additionalProperties: false}, as pruning effectively makes it. Value validations
 * under {@code anyOf}/{@code allOf}/{@code oneOf}/{@code not} are left as they are: structural
 * schemas may not declare fields there that the node itself does not (so pruning never reads them).
 *
 * <p>Also as the API server does: {@code x-kubernetes-int-or-string} accepts an integer or a
 * string, {@code nullable} accepts null, {@code x-kubernetes-embedded-resource} objects may carry
 * apiVersion/kind/metadata, and an object's {@code metadata} is ObjectMeta (name, namespace,
 * labels, annotations, finalizers), with the label syntax the API server enforces. Not checked:
 * {@code format} (the API server checks only a few formats, and none of our values is
 * format-bound beyond what the type says) and {@code x-kubernetes-validations} (CEL, which a JSON
 * Schema validator cannot run).
 */
final class CrdSchemas {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A DNS-1123 subdomain (object names) and label (namespaces), apimachinery validation. */
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    /** Label keys: an optional DNS subdomain prefix and a name (apimachinery IsQualifiedName); values: IsValidLabelValue. */
    static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
    static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

    private final Map<String, JsonSchema> schemas = new HashMap<>();
    private final Map<String, String> sources = new HashMap<>();

    /** Every CRD in these files or folders (multi-document YAML, one level deep). */
    static CrdSchemas load(List<Path> locations) throws IOException {
        CrdSchemas crds = new CrdSchemas();
        for (Path location : locations) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(location)) {
                try (Stream<Path> list = Files.list(location)) {
                    list.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
                }
            } else {
                files.add(location);
            }
            for (Path file : files) {
                for (JsonNode document : UpstreamCharts.documents(Files.readString(file))) {
                    if (document.path("kind").asText().equals("CustomResourceDefinition")) {
                        crds.add(document, file);
                    }
                }
            }
        }
        return crds;
    }

    private void add(JsonNode crd, Path file) {
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (!version.path("served").asBoolean()) {
                continue;
            }
            String apiVersion = group + "/" + version.path("name").asText();
            JsonNode openApi = version.path("schema").path("openAPIV3Schema");
            ObjectNode schema = structural(openApi.deepCopy());
            ObjectNode properties = schema.with("properties");
            properties.set("apiVersion", NODES.objectNode().put("const", apiVersion));
            properties.set("kind", NODES.objectNode().put("const", kind));
            properties.set("metadata", objectMeta(crd.path("spec").path("scope").asText().equals("Namespaced")));
            schema.put("additionalProperties", false);
            ArrayNode required = NODES.arrayNode().add("apiVersion").add("kind").add("metadata");
            schema.path("required").forEach(required::add);
            schema.set("required", required);
            schemas.put(apiVersion + "/" + kind, JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema));
            sources.put(apiVersion + "/" + kind, file.toString());
        }
    }

    /** Whether a served version of this kind is known. */
    boolean knows(String apiVersion, String kind) {
        return schemas.containsKey(apiVersion + "/" + kind);
    }

    /** Every problem of {@code object} against the served schema of its apiVersion and kind; empty when valid. */
    Set<String> problems(JsonNode object) {
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        JsonSchema schema = schemas.get(key);
        assertNotNull(schema, () -> "no served CRD version for " + key + " in " + new TreeSet<>(schemas.keySet()));
        Set<String> problems = new TreeSet<>();
        for (ValidationMessage message : schema.validate(object)) {
            problems.add(message.getMessage());
        }
        return problems;
    }

    String source(String apiVersion, String kind) {
        return sources.get(apiVersion + "/" + kind);
    }

    /** ObjectMeta as a request may set it, with the API server's name and label syntax. */
    static ObjectNode objectMeta(boolean namespaced) {
        ObjectNode meta = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = meta.putObject("properties");
        properties.putObject("name").put("type", "string").put("pattern", DNS_SUBDOMAIN).put("maxLength", 253);
        properties.putObject("namespace").put("type", "string").put("pattern", DNS_LABEL).put("maxLength", 63);
        ObjectNode labels = properties.putObject("labels").put("type", "object");
        labels.putObject("propertyNames").put("pattern", LABEL_KEY);
        labels.putObject("additionalProperties").put("type", "string").put("pattern", LABEL_VALUE);
        properties.putObject("annotations").put("type", "object").putObject("additionalProperties").put("type", "string");
        properties.putObject("finalizers").put("type", "array").putObject("items").put("type", "string");
        ArrayNode required = meta.putArray("required").add("name");
        if (namespaced) {
            required.add("namespace");
        }
        return meta;
    }

    /** See the class comment: what pruning keeps, as JSON Schema. */
    static ObjectNode structural(ObjectNode schema) {
        return structural(schema, true);
    }

    /** {@code prune}: false under a junctor, where only value validations live. */
    private static ObjectNode structural(ObjectNode schema, boolean prune) {
        schema.remove("format");
        schema.remove("x-kubernetes-validations");
        if (schema.path("x-kubernetes-int-or-string").asBoolean() && !schema.has("anyOf")) {
            schema.remove("type");
            schema.putArray("anyOf").add(NODES.objectNode().put("type", "integer")).add(NODES.objectNode().put("type", "string"));
        }
        if (schema.path("nullable").asBoolean() && schema.has("type")) {
            schema.set("type", NODES.arrayNode().add(schema.path("type").asText()).add("null"));
        }
        schema.remove("nullable");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        if (schema.path("x-kubernetes-embedded-resource").asBoolean()) {
            ObjectNode properties = schema.with("properties");
            properties.putIfAbsent("apiVersion", NODES.objectNode().put("type", "string"));
            properties.putIfAbsent("kind", NODES.objectNode().put("type", "string"));
            properties.putIfAbsent("metadata", NODES.objectNode().put("type", "object"));
        }
        if (schema.has("properties")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> property = it.next();
                if (property.getValue().isObject()) {
                    structural((ObjectNode) property.getValue(), prune);
                }
            }
            if (prune && !preserve && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
        }
        // read above; JSON Schema has no such keywords (the list/map types constrain merges, not values)
        schema.properties().removeIf(e -> e.getKey().startsWith("x-kubernetes-"));
        if (schema.path("items").isObject()) {
            structural((ObjectNode) schema.path("items"), prune);
        }
        if (schema.path("additionalProperties").isObject()) {
            structural((ObjectNode) schema.path("additionalProperties"), prune);
        }
        for (String junctor : List.of("anyOf", "allOf", "oneOf")) {
            schema.path(junctor).forEach(branch -> structural((ObjectNode) branch, false));
        }
        if (schema.path("not").isObject()) {
            structural((ObjectNode) schema.path("not"), false);
        }
        return schema;
    }
}
