package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
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
    void examplesValidateAgainstThePublishedSchemaAndBadOnesDoNot() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        JsonSchema schema = factory.getSchema(Files.readString(PUBLISHED));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var files = Files.list(ExampleInventoriesTest.EXAMPLES)) {
            for (Path example : files.filter(Files::isRegularFile).sorted().toList()) { // ansible-project/ is not our format
                Set<ValidationMessage> problems = schema.validate(yaml.readTree(example.toFile()));
                assertTrue(problems.isEmpty(), example + " does not match the schema editors use: " + problems);
            }
        }
        for (String bad : new String[] {"01-unknown-top-key.yaml", "07-bad-role.yaml", "08-bad-cni.yaml", "15-wrong-type-port.yaml"}) {
            Path file = BadInventoryCorpusTest.CORPUS.resolve(bad);
            assertFalse(schema.validate(yaml.readTree(file.toFile())).isEmpty(), bad + " should be rejected by the schema too");
        }
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
