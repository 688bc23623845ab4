package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DnsNamesTest {
    @Test
    void acceptsHostNamesAndWildcards() {
        for (String name : List.of("rancher.example.internal", "a", "x-1.example", "*.apps.example.internal", "RANCHER.Example.Internal",
                "a".repeat(63) + ".example")) {
            assertEquals(Optional.empty(), DnsNames.problem(name), name);
        }
    }

    @Test
    void refusesWhatCannotBeADnsSubjectAltName() {
        assertProblem("", "empty");
        assertProblem("rancher_lab.example", "label \"rancher_lab\"");
        assertProblem("-rancher.example", "label \"-rancher\"");
        assertProblem("rancher..example", "label \"\"");
        assertProblem("rancher.example.", "ends with a dot");
        assertProblem("10.0.0.1", "IP address");
        assertProblem("fd00::1", "IP address");
        assertProblem("*.com", "label \"*\"");
        assertProblem("a.*.example.com", "label \"*\"");
        assertProblem("a".repeat(64) + ".example", "label");
        assertProblem(("abcdefghi.").repeat(26) + "com", "longer than 253");
    }

    @Test
    void settingsNameTheInventoryAndTheKeyOfABadHostName() {
        SeedException error = org.junit.jupiter.api.Assertions.assertThrows(SeedException.class,
                () -> PkiSettings.leaf(LeafPurpose.ARGOCD, "argo..example", java.nio.file.Path.of("inventory.yaml")));
        assertTrue(error.getMessage().startsWith("inventory.yaml: apps.argocd.hostname \"argo..example\" cannot be a certificate's DNS name"),
                error.getMessage());
        assertEquals(2, error.exitCode().code());
    }

    private static void assertProblem(String name, String fragment) {
        Optional<String> problem = DnsNames.problem(name);
        assertTrue(problem.isPresent() && problem.get().contains(fragment), name + " -> " + problem);
    }
}
