package io.seedbootstrap.bundle.bom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bind.SchemaGenerator;
import io.seedbootstrap.support.Json;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The published JSON Schema of BOM v1 (bundles/schema/bom-v1.schema.json is this output). */
public final class BomSchema {
    public static final String ID = "urn:seed-bootstrap:bom:v1";

    private BomSchema() {}

    public static String json() {
        ObjectNode schema = SchemaGenerator.generate(Bom.class, ID, "seed-bootstrap bill of materials v1");
        allowExplicitNulls(schema);
        allowExplicitNulls((ObjectNode) schema.get("$defs"));
        try {
            return Json.json().writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A BOM writes "sha256: null" for values not known yet; optional text properties therefore
     * accept null as well as a string (a pattern only applies to strings).
     */
    private static void allowExplicitNulls(ObjectNode node) {
        if (node.has("properties")) {
            Set<String> required = new HashSet<>();
            node.path("required").forEach(r -> required.add(r.asText()));
            for (Iterator<Map.Entry<String, JsonNode>> it = node.get("properties").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> property = it.next();
                if (!required.contains(property.getKey()) && "string".equals(property.getValue().path("type").asText(null))
                        && !property.getValue().has("enum")) {
                    ((ObjectNode) property.getValue()).putArray("type").add("string").add("null");
                }
            }
            return;
        }
        node.fields().forEachRemaining(e -> {
            if (e.getValue() instanceof ObjectNode child) {
                allowExplicitNulls(child);
            }
        });
    }
}
