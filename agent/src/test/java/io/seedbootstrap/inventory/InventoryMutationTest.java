package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of the example inventories never crash the loader: every outcome is either a
 * valid inventory or diagnostics with a position, never an exception.
 */
class InventoryMutationTest {
    private static final String[] INSERTS = {":", "- ", "{", "}", "[", "]", "\"", "'", "&a", "*a", "!!int ", "${", "${X}", "\t",
        "  ", "\n", "#", "?", "|", ">", "---\n", "null", "~", "999999999999999999999", "-1", "0x1F", "1e9", "true", "é", "\u0000"};

    @Test
    void mutatedInventoriesGiveResultsOrCleanErrors(@TempDir Path dir) throws IOException {
        List<String> seeds = new ArrayList<>();
        try (var files = Files.list(ExampleInventoriesTest.EXAMPLES)) {
            for (Path file : files.sorted().toList()) {
                seeds.add(Files.readString(file));
            }
        }
        InventoryLoader loader = new InventoryLoader(ExampleInventoriesTest.SECRETS, dir);
        Random random = new Random(20261127L);
        Path target = dir.resolve("mutant.yaml");
        int valid = 0;
        int invalid = 0;
        int iterations = Integer.getInteger("fuzz.iterations", 1500);
        for (int i = 0; i < iterations; i++) {
            String mutant = mutate(seeds.get(random.nextInt(seeds.size())), random);
            Files.writeString(target, mutant);
            try {
                LoadedInventory loaded = loader.load(target, LoadOptions.defaults());
                if (loaded.ok()) {
                    valid++;
                } else {
                    invalid++;
                    for (Diagnostic d : loaded.errors()) {
                        assertFalse(d.message().isBlank(), "an error says what is wrong");
                        assertTrue(d.position().file() != null, "an error names the file");
                    }
                }
            } catch (io.seedbootstrap.support.SeedException expected) {
                invalid++; // e.g. not UTF-8: a clean, single error
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " crashed the loader: " + e + "\n--- input ---\n" + mutant, e);
            }
        }
        assertTrue(valid > 0 && invalid > 0, "mutations should produce both outcomes: valid=" + valid + " invalid=" + invalid);
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
                case 2 -> {
                    String[] lines = out.toString().split("\n", -1);
                    int line = random.nextInt(lines.length);
                    List<String> list = new ArrayList<>(List.of(lines));
                    if (random.nextBoolean()) {
                        list.remove(line);
                    } else {
                        list.add(line, lines[random.nextInt(lines.length)]);
                    }
                    out = new StringBuilder(String.join("\n", list));
                }
                case 3 -> out.setCharAt(at, (char) (32 + random.nextInt(95)));
                default -> {
                    int end = Math.min(out.length(), at + random.nextInt(40));
                    out.delete(at, end);
                }
            }
        }
        return out.toString();
    }
}
