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
    void showSaysWhereEachValueCameFromInJsonYamlAndText() throws Exception {
        String project = "../inventory/examples/ansible-project/";
        CommandRunner.Result json = CommandRunner.run(SECRETS, HOME, "inventory", "show", "-o", "json", project + "hosts.ini");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode sources = new ObjectMapper().readTree(json.out()).get("sources");
        assertEquals(project + "group_vars/all.yml:2", sources.get("cluster.name").asText());
        assertEquals(project + "group_vars/all.yml:11", sources.get("ssh.sudoPassword").asText(), "the vaulted value's line");
        assertEquals(project + "group_vars/rke2_servers/10-cluster.yml:4", sources.get("cluster.cni").asText());
        assertEquals(project + "group_vars/rke2_servers/20-taints.yml:1", sources.get("hosts[1].taints[0]").asText());
        assertEquals(project + "host_vars/seed-1.yml:2", sources.get("hosts[0].bootstrap").asText());
        assertEquals(project + "hosts.ini:9", sources.get("hosts[0].address").asText());
        assertEquals(project + "hosts.ini:21", sources.get("hosts[3].labels.tier").asText());
        assertEquals("default", sources.get("ssh.port").asText());
        assertEquals("default", sources.get("preflight.server.cpus").asText(), "a default given as a mapping is still a default");
        assertEquals("default", sources.get("hosts[1].bootstrap").asText());

        CommandRunner.Result yaml = CommandRunner.run(SECRETS, HOME, "inventory", "show", project + "hosts.ini");
        assertEquals(0, yaml.exitCode(), yaml.err());
        assertTrue(yaml.out().contains("\nsources:\n"), yaml.out());
        assertTrue(yaml.out().contains("  hosts[0].bootstrap: " + project + "host_vars/seed-1.yml:2\n"), yaml.out());

        CommandRunner.Result text = CommandRunner.run(SECRETS, HOME, "inventory", "show", "-o", "text", project + "hosts.ini");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("ssh\\.sudoPassword +<redacted> \\(from \\$SEED_SUDO_PASSWORD\\) +"
                + java.util.regex.Pattern.quote(project + "group_vars/all.yml:11"))), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("ssh\\.port +22 +default")), text.out());
        assertFalse(text.out().contains("sudo-secret") || text.out().contains("s3cret"), "no secret value in text output");

        CommandRunner.Result ours = CommandRunner.run(SECRETS, HOME, "inventory", "show", "-o", "json", "../inventory/examples/ha-3-servers.yaml");
        JsonNode oursSources = new ObjectMapper().readTree(ours.out()).get("sources");
        assertEquals("../inventory/examples/ha-3-servers.yaml:8", oursSources.get("cluster.name").asText());
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
