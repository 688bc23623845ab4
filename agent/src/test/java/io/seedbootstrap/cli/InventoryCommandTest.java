package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryCommandTest {
    private static final Map<String, String> SECRETS = Map.of(
            "SEED_SUDO_PASSWORD", "s3cret-sudo", "SEED_ROOT_KEY_PASSPHRASE", "s3cret-root", "SEED_RANCHER_PASSWORD", "s3cret-rancher",
            "SEED_ARGOCD_PASSWORD", "s3cret-argo", "SEED_GIT_TOKEN", "s3cret-git", "SEED_REGISTRY_PASSWORD", "s3cret-registry");
    private static final Path HOME = Path.of("/nonexistent-home");

    @Test
    void validateAcceptsAnExampleWithASummaryOnStdout() {
        CommandRunner.Result result = CommandRunner.run("inventory", "validate", "../inventory/examples/single-node.yaml");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("valid seed-bootstrap inventory (YAML)"), result.out());
        assertTrue(result.out().contains("cluster seed-lab, RKE2 v1.35.7+rke2r1, canal, 1 server (bootstrap seed-1), 0 agents"), result.out());
    }

    @Test
    void validateRefusesABadInventoryWithExitCode2AndEveryErrorOnStderr() {
        CommandRunner.Result result = CommandRunner.run("inventory", "validate",
                "src/test/resources/inventory/bad/24-even-servers-warning-plus-error.yaml");
        assertEquals(2, result.exitCode());
        assertEquals("", result.out(), "nothing on stdout when invalid");
        assertTrue(result.err().contains(":10:42: error: hosts[2].role: \"bogus\" is not a valid role"), result.err());
        assertTrue(result.err().contains("warning: hosts: 2 servers is an even number"), result.err());
        assertTrue(result.err().contains("1 error; fix it and run again"), result.err());
        assertFalse(result.err().contains("at io.seedbootstrap"), "no stack trace without --verbose");
    }

    @Test
    void validateJsonReportsDiagnosticsWithPositions() throws Exception {
        CommandRunner.Result result = CommandRunner.run("inventory", "validate", "--output", "json",
                "src/test/resources/inventory/bad/07-bad-role.yaml");
        assertEquals(2, result.exitCode());
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertFalse(report.get("valid").asBoolean());
        JsonNode first = report.get("diagnostics").get(0);
        assertEquals("error", first.get("severity").asText());
        assertEquals(7, first.get("line").asInt());
        assertEquals(42, first.get("column").asInt());
        assertEquals("hosts[0].role", first.get("path").asText());
    }

    @Test
    void showRedactsSecretsInYamlAndJson() {
        for (String format : new String[] {"yaml", "json"}) {
            CommandRunner.Result result = CommandRunner.run(SECRETS, HOME, "inventory", "show", "-o", format,
                    "../inventory/examples/ha-3-servers.yaml");
            assertEquals(0, result.exitCode(), result.err());
            String everything = result.out() + result.err();
            for (String secret : SECRETS.values()) {
                assertFalse(everything.contains(secret), format + " output leaks a secret value");
            }
            assertTrue(result.out().contains("<redacted> (from $SEED_SUDO_PASSWORD)"), result.out());
            assertTrue(result.out().contains("seed-w2"), result.out());
        }
    }

    @Test
    void missingFileIsACleanBadInputError() {
        CommandRunner.Result result = CommandRunner.run("inventory", "validate", "no/such/inventory.yaml");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("no/such/inventory.yaml: no such file"), result.err());
    }

    @Test
    void unknownSubcommandAndMissingSubcommandAreUsageErrors() {
        assertEquals(2, CommandRunner.run("inventory", "valdate", "x").exitCode());
        CommandRunner.Result none = CommandRunner.run("inventory");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("a subcommand is required"), none.err());
        assertEquals(2, CommandRunner.run().exitCode());
    }

    @Test
    void schemaPrintsJsonSchema() throws Exception {
        CommandRunner.Result result = CommandRunner.run("inventory", "schema");
        assertEquals(0, result.exitCode());
        assertEquals("urn:seed-bootstrap:inventory:v1", new ObjectMapper().readTree(result.out()).get("$id").asText());
    }

    @Test
    void versionAndHelpDocumentExitCodes() {
        CommandRunner.Result version = CommandRunner.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("seed-bootstrap "), version.out());
        CommandRunner.Result help = CommandRunner.run("--help");
        assertTrue(help.out().contains("130  interrupted"), help.out());
        assertTrue(help.out().contains("inventory"), help.out());
    }

    @Test
    void completionScriptIsGenerated() {
        CommandRunner.Result result = CommandRunner.run("generate-completion");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("complete -F"), "a bash completion script");
        assertTrue(result.out().contains("validate"), "it knows the subcommands");
    }
}
