package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InventorySchemaTest {
    static final Path PUBLISHED = Path.of("../inventory/schema/inventory-v1.schema.json");

    @Test
    void publishedSchemaIsWhatTheCodeGenerates() throws Exception {
        // Regenerate with: java -jar agent/target/seed-bootstrap.jar inventory schema > inventory/schema/inventory-v1.schema.json
        assertEquals(InventorySchema.json().strip(), Files.readString(PUBLISHED).strip(),
                "inventory/schema/inventory-v1.schema.json is stale; regenerate it with `seed-bootstrap inventory schema`");
    }

    @Test
    void schemaDescribesEverySectionWithTypesRequiredKeysAndEnums() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(InventorySchema.json());
        JsonNode properties = schema.get("properties");
        for (String section : new String[] {"cluster", "ssh", "preflight", "bundle", "pki", "rke2", "registries", "apps", "metallb", "hosts"}) {
            assertTrue(properties.has(section), "schema has section " + section);
        }
        assertEquals("[\"cluster\",\"hosts\"]", schema.get("required").toString());
        JsonNode host = schema.get("$defs").get("Host");
        assertEquals("[\"server\",\"agent\"]", host.get("properties").get("role").get("enum").toString());
        assertEquals(false, host.get("additionalProperties").asBoolean());
        JsonNode cluster = schema.get("$defs").get("Cluster");
        assertEquals("[\"canal\",\"cilium\"]", cluster.get("properties").get("cni").get("enum").toString());
        assertEquals("canal", cluster.get("properties").get("cni").get("default").asText());
        assertTrue(cluster.get("properties").get("rke2Version").has("pattern"));
    }
}
