package io.seedbootstrap.rke2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * YAML that comes back from a host (config.yaml, the PodSecurity file, rke2.yaml) is read with
 * Jackson: aliases are not expanded, and nesting and size are bounded, so a hostile host file
 * gives an ordinary error, never an Error.
 */
class HostYamlBoundsTest {
    @Test
    void aliasesAreNotExpandedSoBillionLaughsStaysSmall() throws IOException {
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 40; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        JsonNode tree = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ConfigYaml.mapper().readTree(yaml.toString()));
        assertEquals(2, tree.path("l40").size(), "an alias is read as its name, not as a copy of the anchored value");
    }

    @Test
    void deepNestingIsAnIoErrorNotAStackOverflow() {
        String deep = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        assertThrows(IOException.class, () -> ConfigYaml.mapper().readTree(deep));
        IllegalArgumentException kubeconfig = assertThrows(IllegalArgumentException.class,
                () -> Kubeconfig.forOperator(deep, "seed", "10.0.0.1"));
        assertTrue(kubeconfig.getMessage().contains("is not a kubeconfig"), kubeconfig.getMessage());
    }

    @Test
    void aHugeDocumentIsRefused() {
        String big = "a: \"" + "x".repeat(ConfigYaml.MAX_DOCUMENT_CHARS + 10) + "\"\n";
        assertThrows(IOException.class, () -> ConfigYaml.mapper().readTree(big));
    }
}
