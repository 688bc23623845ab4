package io.seedbootstrap.bundle.bom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BomSchemaTest {
    static final Path PUBLISHED = Path.of("../bundles/schema/bom-v1.schema.json");

    @Test
    void publishedSchemaIsWhatTheCodeGenerates() throws Exception {
        // Regenerate with: java -jar agent/target/seed-bootstrap.jar bundle schema > bundles/schema/bom-v1.schema.json
        assertEquals(BomSchema.json().strip(), Files.readString(PUBLISHED).strip(),
                "bundles/schema/bom-v1.schema.json is stale; regenerate it with `seed-bootstrap bundle schema`");
    }

    @Test
    void unknownValuesMayBeExplicitNullsButRequiredOnesMayNot() throws Exception {
        JsonNode defs = new ObjectMapper().readTree(BomSchema.json()).get("$defs");
        JsonNode artifact = defs.get("BomArtifact").get("properties");
        assertEquals("[\"string\",\"null\"]", artifact.get("sha256").get("type").toString());
        assertEquals("^[0-9a-f]{64}$", artifact.get("sha256").get("pattern").asText());
        assertEquals("\"string\"", artifact.get("url").get("type").toString());
        assertEquals("[\"tarball\",\"checksums\",\"install-script\",\"images\"]", artifact.get("kind").get("enum").toString());
        assertEquals("^sha256:[0-9a-f]{64}$", defs.get("BomImage").get("properties").get("digest").get("pattern").asText());
        assertEquals("[\"amd64\",\"arm64\",\"s390x\"]", defs.get("BomRke2").get("properties").get("arch").get("enum").toString());
    }
}
