package io.seedbootstrap.bind.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Aliases are where a small YAML file becomes a large or infinite tree: a self-referencing alias
 * (a cycle) and "billion laughs" (aliases of aliases) are refused with a position, quickly.
 */
class YamlSourceBoundsTest {
    private static final Path FILE = Path.of("inventory.yaml");

    @Test
    void aSelfReferencingAliasIsACycleWithItsLine() {
        YamlSource.Parsed parsed = YamlSource.parse(FILE, "cluster:\n  name: x\nloop: &a\n  - 1\n  - *a\n");
        assertNull(parsed.root());
        assertNotNull(parsed.error());
        assertEquals(3, parsed.error().position().line(), "the line of the anchor &a: " + parsed.error());
        assertTrue(parsed.error().message().contains("refers to itself"), parsed.error().message());
        // the same inside mappings
        YamlSource.Parsed map = YamlSource.parse(FILE, "a: &m\n  b:\n    c: *m\n");
        assertNull(map.root());
        assertTrue(map.error().message().contains("refers to itself"), map.error().message());
    }

    @Test
    void billionLaughsIsRefusedQuicklyWithoutExpanding() {
        // 48 aliases (under SnakeYAML's alias count limit), each level doubling: 2^24 leaves if expanded
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        YamlSource.Parsed parsed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> YamlSource.parse(FILE, yaml.toString()));
        assertNull(parsed.root());
        assertTrue(parsed.error().message().contains("aliases"), parsed.error().message());
        assertTrue(parsed.error().position().line() > 0, "the message names a line: " + parsed.error().position());
    }

    @Test
    void aliasesMayNestDeeperThanTheSourceOnlyUpToTheLimit() {
        // 30 levels written out, then an alias of it placed 30 levels down: 60 is fine, 70 is not
        String inner = "{a: ".repeat(30) + "1" + "}".repeat(30);
        YamlSource.Parsed ok = YamlSource.parse(FILE, "x: &x " + inner + "\ny: " + "{b: ".repeat(30) + "*x" + "}".repeat(30) + "\n");
        assertNotNull(ok.root(), () -> String.valueOf(ok.error()));
        YamlSource.Parsed deep = YamlSource.parse(FILE, "x: &x " + inner + "\ny: " + "{b: ".repeat(40) + "*x" + "}".repeat(40) + "\n");
        assertNull(deep.root());
        assertTrue(deep.error().message().contains("nested"), deep.error().message());
    }

    @Test
    void ordinaryAliasesStillWork() {
        YamlSource.Parsed parsed = YamlSource.parse(FILE, "defaults: &d {user: admin, port: 22}\na: *d\nb: *d\n");
        assertNotNull(parsed.root(), () -> String.valueOf(parsed.error()));
        RawNode.RawMap root = (RawNode.RawMap) parsed.root();
        assertEquals(3, root.entries().size());
    }
}
