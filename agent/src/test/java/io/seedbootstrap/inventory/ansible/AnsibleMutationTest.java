package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of the good Ansible inventories never crash the loader: each gives a valid
 * inventory or clean, positioned diagnostics. Seeded, so a failure replays; -Dfuzz.iterations=N
 * runs longer.
 */
class AnsibleMutationTest {
    /** Every mutation goes through the Ansible step; every tenth through the whole loader (binder, validator). */
    private static final int FULL_LOAD_EVERY = 10;
    private static final String[] INSERTS = {"[", "]", "=", "\"", "'", "{{", "}}", "{{ x }}", ":", "#", ";", "\\", "\n", " ", "\t",
        "[1:3]", "[3:1]", "[a:", ":children", ":vars", "seed_", "${", "${X}", ",", "{", "}", "é", "\u0000", "ansible_port=",
        "99999999999999999999", "True", "'[\"a=b\"]'", "$ANSIBLE_VAULT;", "---\n", "- ", "\r"};

    @Test
    void mutatedAnsibleInventoriesGiveResultsOrCleanErrors(@TempDir Path dir) throws IOException {
        List<Path> seeds;
        try (Stream<Path> files = Files.walk(AnsibleFixtures.GOOD)) {
            seeds = files.filter(p -> p.toString().endsWith(".ini") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<String> texts = new ArrayList<>();
        for (Path seed : seeds) {
            texts.add(Files.readString(seed));
        }
        Path home = AnsibleFixtures.home(dir);
        Random random = new Random(20260611L);
        int iterations = Integer.getInteger("fuzz.iterations", 2000);
        int valid = 0;
        int invalid = 0;
        int converted = 0;
        for (int i = 0; i < iterations; i++) {
            int seed = random.nextInt(texts.size());
            String mutant = mutate(texts.get(seed), random);
            String extension = seeds.get(seed).toString().endsWith(".yml") ? ".yml" : ".ini";
            Path file = dir.resolve("mutant" + extension);
            try {
                converted += convert(file, mutant) ? 1 : 0;
                if (i % FULL_LOAD_EVERY != 0) {
                    continue;
                }
                Files.writeString(file, mutant);
                LoadedInventory loaded = AnsibleFixtures.load(file, AnsibleGoodInventoriesTest.ENVIRONMENT, home);
                if (loaded.ok()) {
                    valid++;
                    assertNotNull(loaded.inventory());
                } else {
                    invalid++;
                    assertFalse(loaded.errors().isEmpty(), "a refused inventory says why");
                }
                checkClean(loaded.diagnostics());
            } catch (SeedException expected) {
                invalid++; // e.g. not UTF-8: one clean error
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " crashed the loader: " + e + "\n--- input ---\n" + mutant, e);
            }
        }
        assertTrue(converted > iterations / 20 && converted < iterations, "mutations should give both outcomes, converted=" + converted);
        int loads = iterations / FULL_LOAD_EVERY;
        assertTrue(valid > loads / 20 && invalid > loads / 20, "mutations should give both outcomes: valid=" + valid + " invalid=" + invalid);
    }

    /** The Ansible step alone (fast): a tree, or null with at least one error; never an exception. */
    private static boolean convert(Path file, String text) {
        Diagnostics diagnostics = new Diagnostics();
        RawNode root;
        if (file.toString().endsWith(".yml")) {
            YamlSource.Parsed parsed = YamlSource.parse(file, text);
            if (parsed.root() == null) {
                return false;
            }
            root = AnsibleInventoryConverter.fromYaml(parsed.root(), Map.of(), null, diagnostics);
        } else {
            root = AnsibleInventoryConverter.fromIni(file, text, Map.of(), null, diagnostics);
        }
        assertTrue(root != null || diagnostics.hasErrors(), "no tree only with an error");
        checkClean(diagnostics.sorted());
        return root != null;
    }

    private static void checkClean(List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            assertFalse(d.message().isBlank(), "a diagnostic says what it is about");
            assertNotNull(d.position().file(), "a diagnostic names the file");
            assertTrue(d.position().line() >= 0 && d.position().column() >= 0);
        }
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(7)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, out.charAt(at));
                case 2 -> {
                    int other = random.nextInt(out.length());
                    char c = out.charAt(at);
                    out.setCharAt(at, out.charAt(other));
                    out.setCharAt(other, c);
                }
                case 3, 4 -> out.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
                default -> {
                    List<String> lines = new ArrayList<>(List.of(out.toString().split("\n", -1)));
                    int line = random.nextInt(lines.size());
                    switch (random.nextInt(3)) {
                        case 0 -> lines.remove(line);
                        case 1 -> lines.add(line, lines.get(random.nextInt(lines.size())));
                        default -> Collections.swap(lines, line, random.nextInt(lines.size()));
                    }
                    out = new StringBuilder(String.join("\n", lines));
                }
            }
        }
        return out.toString();
    }
}
