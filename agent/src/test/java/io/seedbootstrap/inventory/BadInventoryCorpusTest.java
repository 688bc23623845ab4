package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.support.Environment;
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
 * Every file in resources/inventory/bad/ must be refused with exactly the diagnostics in its
 * .expected file ({file} = the inventory path, {dir} = its folder).
 */
class BadInventoryCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/inventory/bad");

    @TestFactory
    Stream<DynamicTest> everyBadInventoryIsRefusedWithItsExactMessages() throws IOException {
        List<Path> inventories;
        try (Stream<Path> files = Files.list(CORPUS)) {
            inventories = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(inventories.size() >= 30, "the corpus keeps at least 30 bad inventories, found " + inventories.size());
        InventoryLoader loader = new InventoryLoader(Environment.of(Map.of()), Path.of("/nonexistent-home"));
        return inventories.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            LoadedInventory loaded = loader.load(file, LoadOptions.defaults());
            String expected = Files.readString(Path.of(file.toString().replace(".yaml", ".expected")), StandardCharsets.UTF_8)
                    .replace("{file}", file.toString())
                    .replace("{dir}", file.toAbsolutePath().getParent().toString())
                    .strip();
            String actual = String.join("\n", loaded.diagnostics().stream().map(Diagnostic::render).toList());
            assertEquals(expected, actual);
            assertFalse(loaded.ok(), "a bad inventory must not load");
            assertNull(loaded.inventory());
        }));
    }
}
