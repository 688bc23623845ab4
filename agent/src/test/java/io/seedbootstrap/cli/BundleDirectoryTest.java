package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --bundle, then the launcher's own bundle, then bundle.path; a directory without manifest.json is refused with exit 2. */
class BundleDirectoryTest {
    @TempDir
    Path dir;

    private Inventory inventory(String bundlePath) throws Exception {
        Path file = dir.resolve("inventory.yaml");
        Files.writeString(file, "cluster: {name: demo, rke2Version: v1.35.7+rke2r1}\n"
                + (bundlePath != null ? "bundle: {path: " + bundlePath + "}\n" : "")
                + "apps: {rancher: {enabled: false}}\nhosts:\n  - {name: s1, address: 10.0.0.11, role: server}\n");
        return new InventoryLoader(Environment.of(Map.of()), dir).loadOrThrow(file, LoadOptions.defaults()).inventory();
    }

    private Path bundle(String name) throws Exception {
        Path b = Files.createDirectories(dir.resolve(name));
        Files.writeString(b.resolve("manifest.json"), "{}");
        return b;
    }

    @Test
    void theOptionWinsThenTheLaunchersBundleThenTheInventorys() throws Exception {
        Path option = bundle("option");
        Path stick = bundle("stick");
        Path configured = bundle("configured");
        Inventory inv = inventory(configured.toString());
        Environment launched = Environment.of(Map.of(BundleDirectory.LAUNCHER_VARIABLE, stick.toString()));
        assertEquals(option, BundleDirectory.resolve(option, launched, inv, Path.of("inventory.yaml")).path());
        assertEquals(stick, BundleDirectory.resolve(null, launched, inv, Path.of("inventory.yaml")).path());
        assertEquals(configured, BundleDirectory.resolve(null, Environment.of(Map.of()), inv, Path.of("inventory.yaml")).path());
    }

    @Test
    void aDirectoryThatIsNotABundleIsRefusedWithExit2NamingWhereItCameFrom() throws Exception {
        Path notBundle = Files.createDirectories(dir.resolve("photos"));
        Environment launched = Environment.of(Map.of(BundleDirectory.LAUNCHER_VARIABLE, notBundle.toString()));
        SeedException e = assertThrows(SeedException.class, () -> BundleDirectory.resolve(null, launched, inventory(null), Path.of("inventory.yaml")));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(notBundle + " (the directory of the launcher seed-bootstrap.sh) is not a seed-bootstrap bundle: "
                + "it holds no manifest.json"), e.getMessage());
        SeedException missing = assertThrows(SeedException.class,
                () -> BundleDirectory.resolve(dir.resolve("nowhere"), Environment.of(Map.of()), inventory(null), Path.of("inventory.yaml")));
        assertEquals(ExitCode.BAD_INPUT, missing.exitCode());
        assertTrue(missing.getMessage().contains("(--bundle) is not a directory"), missing.getMessage());
        SeedException unset = assertThrows(SeedException.class,
                () -> BundleDirectory.resolve(null, Environment.of(Map.of()), inventory(null), Path.of("inventory.yaml")));
        assertTrue(unset.getMessage().contains("bundle.path is not set"), unset.getMessage());
    }
}
