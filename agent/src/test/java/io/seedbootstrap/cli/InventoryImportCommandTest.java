package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `inventory import` writes our format that loads back to the same inventory, never a secret value. */
class InventoryImportCommandTest {
    @TempDir
    Path dir;

    @Test
    void importedInventoryValidatesAndDescribesTheSameHosts() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "not a real key; only its readability is checked here\n");
        Path source = Path.of("src/test/resources/ansible/good/rke2-ansible.ini");
        Path target = dir.resolve("out/inventory.yaml");
        Files.createDirectories(target.getParent());

        CommandRunner.Result imported = CommandRunner.run(Map.of(), home, "inventory", "import", source.toString(), "-O", target.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        String yaml = Files.readString(target);
        assertTrue(yaml.matches("(?s).*identityFile: \"?~/\\.ssh/id_ed25519.*"), yaml);
        assertFalse(yaml.contains("connectTimeoutSeconds"), "defaults are left out:\n" + yaml);

        CommandRunner.Result validated = CommandRunner.run(Map.of(), home, "inventory", "validate", target.toString());
        assertEquals(0, validated.exitCode(), validated.err());
        assertTrue(validated.out().contains("cluster lab, RKE2 v1.35.7+rke2r1, cilium, 3 servers (bootstrap server1), 3 agents"),
                validated.out());

        ObjectMapper json = new ObjectMapper();
        JsonNode original = json.readTree(CommandRunner.run(Map.of(), home, "inventory", "show", "-o", "json", source.toString()).out());
        JsonNode roundTrip = json.readTree(CommandRunner.run(Map.of(), home, "inventory", "show", "-o", "json", target.toString()).out());
        assertEquals(original.get("hosts"), roundTrip.get("hosts"));
        assertEquals(original.get("cluster"), roundTrip.get("cluster"));
        assertEquals(original.get("ssh"), roundTrip.get("ssh"));
    }

    @Test
    void literalSecretsBecomeEnvironmentReferencesAndAreNeverWritten() throws Exception {
        Path source = dir.resolve("hosts.ini");
        Files.writeString(source, String.join("\n",
                "[rke2_servers]",
                "cp1 ansible_host=10.1.0.11 ansible_become_password=hunter2-do-not-print",
                "[all:vars]",
                "seed_rke2_version=v1.35.7+rke2r1",
                "seed_rancher_hostname=rancher.example.internal",
                ""));
        Path target = dir.resolve("seed.yaml");
        CommandRunner.Result imported = CommandRunner.run(Map.of(), dir, "inventory", "import", source.toString(), "-O", target.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        String yaml = Files.readString(target);
        assertFalse(yaml.contains("hunter2"), "the secret value must not be written:\n" + yaml);
        assertFalse((imported.out() + imported.err()).contains("hunter2"), "nor printed");
        assertTrue(yaml.matches("(?s).*sudoPassword: \"?\\$\\{SEED_[A-Z0-9_]+}.*"), yaml);
        assertTrue(imported.err().contains("note: export SEED_"), imported.err());

        CommandRunner.Result refused = CommandRunner.run(Map.of(), dir, "inventory", "import", source.toString(), "-O", target.toString());
        assertEquals(2, refused.exitCode(), "an existing file is not overwritten without --force");
        assertTrue(refused.err().contains("already exists"), refused.err());
    }
}
