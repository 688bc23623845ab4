package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, the hand-off to Terraform: {@code seed-bootstrap handoff} writes CLUSTER-handoff.json
 * (0600) with the seed's public facts and a Terraform root module beside the kubeconfig whose
 * every file is HCL that parses (hcl4j) and whose every variable use is declared; no secret is
 * in any file unless --with-secrets asks, and then only in a 0600 file the output names.
 */
class HandoffCommandTest {
    @TempDir
    Path dir;
    Path inventory;
    static final Map<String, String> ENV = Map.of("SEED_RANCHER_PASSWORD", "rancher-Bootstrap-123");

    @BeforeEach
    void site() throws Exception {
        inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, registrationAddress: 192.0.2.100}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "registries:",
                "  systemDefaultRegistry: registry.lab.example.internal:5000",
                "  mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}",
                "apps:",
                "  rancher: {hostname: rancher.lab.example.internal, bootstrapPassword: \"${SEED_RANCHER_PASSWORD}\"}",
                "  argocd: {hostname: argocd.lab.example.internal}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        CommandRunner.Result init = CommandRunner.run(ENV, dir, "pki", "init", inventory.toString());
        assertEquals(0, init.exitCode(), init.err());
    }

    @Test
    void writesTheHandoffFileAndAModuleThatParsesWithNoSecretInside() throws Exception {
        CommandRunner.Result result = CommandRunner.run(ENV, dir, "handoff", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());
        Path json = dir.resolve("seed-lab-handoff.json");
        assertTrue(result.out().contains(json.toString()), result.out());
        assertTrue(result.out().contains("has not been applied"), result.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(json)));
        JsonNode handoff = Json.json().readTree(json.toFile());
        assertEquals("seed-bootstrap/handoff-v1", handoff.path("format").asText());
        assertEquals("https://192.0.2.100:6443", handoff.path("seed").path("apiUrl").asText());
        assertEquals(dir.resolve("seed-lab.kubeconfig").toAbsolutePath().toString(), handoff.path("seed").path("kubeconfig").asText());
        assertEquals("https://rancher.lab.example.internal", handoff.path("rancher").path("url").asText());
        String siteRoot = Files.readString(dir.resolve("pki/site/cacerts.pem"));
        assertEquals(siteRoot, handoff.path("rancher").path("caPem").asText());
        assertEquals("https://argocd.lab.example.internal", handoff.path("argocd").path("url").asText());
        assertEquals(siteRoot, handoff.path("argocd").path("caPem").asText());
        assertEquals("registry.lab.example.internal:5000", handoff.path("registry").path("host").asText());
        assertEquals("app/<name>=install", handoff.path("catalog").path("installLabel").asText());

        Path module = dir.resolve("seed-lab-terraform");
        Set<String> declared = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        HCLParser parser = new HCLParser();
        try (Stream<Path> files = Files.list(module)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tf")).sorted().toList()) {
                Map<String, Object> parsed = parser.parse(Files.readString(file));
                if (parsed.get("variable") instanceof Map<?, ?> variables) {
                    variables.keySet().forEach(k -> declared.add((String) k));
                }
                Matcher use = Pattern.compile("\\bvar\\.([a-z_]+)").matcher(Files.readString(file));
                while (use.find()) {
                    used.add(use.group(1));
                }
            }
        }
        assertTrue(declared.containsAll(used), "undeclared: " + used.stream().filter(u -> !declared.contains(u)).toList());
        Map<String, Object> main = parser.parse(Files.readString(module.resolve("main.tf")));
        assertTrue(((Map<?, ?>) main.get("resource")).keySet().containsAll(Set.of("rancher2_bootstrap", "rancher2_cluster_v2",
                "rancher2_token", "kubernetes_secret_v1")), main.get("resource").toString());
        JsonNode values = Json.json().readTree(module.resolve("handoff.auto.tfvars.json").toFile());
        values.fieldNames().forEachRemaining(name -> assertTrue(declared.contains(name), name + " is not a variable of the module"));
        assertEquals("https://rancher.lab.example.internal", values.path("rancher_url").asText());
        assertFalse(Files.exists(module.resolve("secrets.auto.tfvars.json")));
        try (Stream<Path> all = Files.walk(dir.resolve("seed-lab-terraform"))) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file).contains("rancher-Bootstrap-123"), file + " holds the bootstrap password");
            }
        }
        assertFalse(Files.readString(json).contains("rancher-Bootstrap-123"));

        // a re-run rewrites nothing that is already right
        long mtime = Files.getLastModifiedTime(json).toMillis();
        Thread.sleep(20);
        assertEquals(0, CommandRunner.run(ENV, dir, "handoff", inventory.toString()).exitCode());
        assertEquals(mtime, Files.getLastModifiedTime(json).toMillis());
    }

    @Test
    void withSecretsWritesTheBootstrapPassword0600AndSaysSo() throws Exception {
        CommandRunner.Result result = CommandRunner.run(ENV, dir, "handoff", inventory.toString(), "--with-secrets");
        assertEquals(0, result.exitCode(), result.err());
        Path secrets = dir.resolve("seed-lab-terraform/secrets.auto.tfvars.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertEquals("rancher-Bootstrap-123", Json.json().readTree(secrets.toFile()).path("rancher_bootstrap_password").asText());
        assertTrue(result.err().contains(secrets + " (0600), as --with-secrets asked"), result.err());
        assertFalse(result.err().contains("rancher-Bootstrap-123") || result.out().contains("rancher-Bootstrap-123"));
    }

    @Test
    void theParserRefusesBrokenHcl() {
        // the syntax check is a real one: an unterminated string or a stray token does not parse
        assertThrows(Exception.class, () -> new HCLParser().parse("resource \"a\" \"b\" {\n  x = \"open\n}\n"));
        assertThrows(Exception.class, () -> new HCLParser().parse("variable \"a\" {\n  type = = string\n}\n"));
    }
}
