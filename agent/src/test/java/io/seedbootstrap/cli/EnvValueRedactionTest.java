package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value written as ${ENV} in free-form extra RKE2 config (etcd-s3-secret-key) is redacted
 * wherever it is shown (inventory show, the config.yaml drift error) and written in clear only
 * into config.yaml for the host.
 */
class EnvValueRedactionTest {
    private static final String S3_SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
    private static final Map<String, String> ENV = Map.of("S3_SECRET", S3_SECRET, "S3_HOST", "s3.example.internal");

    @TempDir
    Path dir;

    private Path inventory() throws IOException {
        String example = Files.readString(Path.of("../inventory/examples/single-node.yaml"));
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, example.replace("pki:\n", "rke2:\n  config:\n    etcd-s3: true\n    etcd-s3-secret-key: ${S3_SECRET}\n"
                + "    etcd-s3-endpoint: https://${S3_HOST}:9000\n    etcd-s3-bucket: seed\npki:\n"));
        return file;
    }

    @Test
    void inventoryShowRedactsItInYamlAndJson() throws IOException {
        Path file = inventory();
        for (String format : new String[] {"yaml", "json", "text"}) {
            CommandRunner.Result result = CommandRunner.run(ENV, dir, "inventory", "show", "-o", format, file.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertFalse(result.out().contains(S3_SECRET), format + " shows the secret:\n" + result.out());
            assertTrue(result.out().contains("<redacted> (from $S3_SECRET)"), result.out());
            assertTrue(result.out().contains("seed"), "literal values are shown: " + result.out());
        }
    }

    @Test
    void theHostsConfigYamlGetsTheValueAndErrorsQuotingItAreRedacted() throws IOException {
        Inventory inventory = new InventoryLoader(Environment.of(ENV), dir).loadOrThrow(inventory(), LoadOptions.defaults()).inventory();
        String configYaml = NodeConfig.yaml(inventory, inventory.hosts().get(0));
        assertTrue(configYaml.contains("etcd-s3-secret-key: " + S3_SECRET), configYaml);
        assertTrue(configYaml.contains("etcd-s3-endpoint: https://s3.example.internal:9000"), configYaml);

        // what CheckConfigDrift throws: a line diff of config.yaml, printed by Main
        Redactor redactor = Redactor.of(ActionRunner.withInventorySecrets(inventory, List.of()));
        SeedException drift = new SeedException(ExitCode.UNEXPECTED_STATE, "seed-1: RKE2 here already belongs to a cluster and has another "
                + "configuration than the inventory gives:\n  /etc/rancher/rke2/config.yaml:\n    - etcd-s3-secret-key: old\n"
                + "    + etcd-s3-secret-key: " + S3_SECRET);
        RuntimeException shown = ActionRunner.redacted(drift, redactor);
        assertFalse(shown.getMessage().contains(S3_SECRET), shown.getMessage());
        assertTrue(shown.getMessage().contains("+ etcd-s3-secret-key: <redacted>"), shown.getMessage());
        assertEquals(ExitCode.UNEXPECTED_STATE, ((SeedException) shown).exitCode());
    }
}
