package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.support.Fuzzing;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the inventory reader (our YAML format, with the binder and the
 * validator behind it): a valid inventory or positioned diagnostics, or one bad-input refusal
 * (exit 2); never another exception or an Error. Replays its corpus in
 * {@code src/test/resources/io/seedbootstrap/inventory/InventoryFuzzTestInputs/} on every
 * {@code mvn test}; {@code scripts/fuzz.sh} searches for new inputs.
 */
public class InventoryFuzzTest {
    private static final Path DIR = Fuzzing.scratch("inventory");
    private static final InventoryLoader LOADER = new InventoryLoader(ExampleInventoriesTest.SECRETS, DIR);

    @FuzzTest(maxDuration = "60s")
    void seedYaml(byte[] input) {
        load(LOADER, DIR.resolve("inventory.yaml"), input);
    }

    /** Loads {@code input} as {@code file}; shared by the Ansible fuzz tests. */
    public static void load(InventoryLoader loader, Path file, byte[] input) {
        Fuzzing.write(file, input);
        Fuzzing.refusedOnlyAs(() -> {
            LoadedInventory loaded = loader.load(file, LoadOptions.defaults());
            if (loaded.ok()) {
                assertNotNull(loaded.inventory());
            }
            for (Diagnostic d : loaded.diagnostics()) {
                assertFalse(d.message().isBlank(), "a diagnostic says what is wrong");
                assertNotNull(d.position().file(), "a diagnostic names the file");
                d.render();
            }
        });
    }
}
