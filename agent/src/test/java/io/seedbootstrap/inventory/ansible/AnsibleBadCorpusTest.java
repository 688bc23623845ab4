package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.LoadedInventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Ansible inventory in resources/ansible/bad/ is refused with exactly the diagnostics in
 * the .expected file next to it ({file} = the inventory's path), in file order.
 */
class AnsibleBadCorpusTest {
    @TestFactory
    Stream<DynamicTest> everyBadAnsibleInventoryIsRefusedWithItsExactMessages() throws IOException {
        List<Path> inventories;
        try (Stream<Path> files = Files.list(AnsibleFixtures.BAD)) {
            inventories = files.filter(p -> !p.toString().endsWith(".expected")).sorted().toList();
        }
        assertTrue(inventories.size() >= 20, "the corpus keeps at least 20 bad Ansible inventories, found " + inventories.size());
        return inventories.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            LoadedInventory loaded = AnsibleFixtures.load(file, Map.of(), Path.of("/nonexistent-home"));
            Path expectedFile = Path.of(file.toString().replaceFirst("\\.[a-z]+$", ".expected"));
            String expected = Files.readString(expectedFile, StandardCharsets.UTF_8).strip();
            String actual = String.join("\n", AnsibleFixtures.rendered(loaded, file));
            assertEquals(expected, actual);
            assertTrue(loaded.format().isAnsible(), "read as an Ansible inventory");
            assertFalse(loaded.ok(), "a bad inventory must not load");
            assertNull(loaded.inventory());
        }));
    }
}
