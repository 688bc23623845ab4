package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile YAML gives one positioned message and exit 2; a Java Error never escapes as a raw trace. */
class ErrorExitTest {
    @TempDir
    Path dir;

    @Test
    void aSelfReferencingAliasIsExit2WithFileAndLine() throws IOException {
        Path file = dir.resolve("loop.yaml");
        Files.writeString(file, "version: 1\ncluster:\n  name: x\nhosts: &h\n  - name: a\n    more: *h\n");
        CommandRunner.Result result = CommandRunner.run("inventory", "validate", file.toString());
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains(file + ":4:"), result.err());
        assertTrue(result.err().contains("refers to itself"), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    @Test
    void billionLaughsIsExit2Quickly() throws IOException {
        StringBuilder yaml = new StringBuilder("version: 1\nl0: &l0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        Path file = dir.resolve("laughs.yaml");
        Files.writeString(file, yaml);
        CommandRunner.Result result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> CommandRunner.run("inventory", "validate", file.toString()));
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains(file + ":"), result.err());
        assertTrue(result.err().contains("more than"), result.err());
    }

    @Test
    void anInventoryLargerThan8MiBIsRefusedBeforeItIsRead() throws IOException {
        Path file = dir.resolve("hosts.ini");
        Files.writeString(file, "[rke2_servers]\n" + "# padding\n".repeat(900_000));
        CommandRunner.Result result = CommandRunner.run("inventory", "validate", file.toString());
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains(file + ": larger than 8 MiB"), result.err());
    }

    @Test
    void aStackOverflowIsOneLineAndExit4() {
        StringWriter err = new StringWriter();
        int code = RootCommand.guard(() -> recurse(0), new PrintWriter(err, true), false);
        assertEquals(4, code);
        assertTrue(err.toString().startsWith("seed-bootstrap: internal error: stack overflow"), err.toString());
        assertEquals(1, err.toString().lines().count(), "one line, no trace: " + err);
    }

    @Test
    void runningOutOfMemoryIsOneLineAndExit4() {
        StringWriter err = new StringWriter();
        int code = RootCommand.guard(() -> new long[Integer.MAX_VALUE - 8].length, new PrintWriter(err, true), false);
        assertEquals(4, code);
        assertTrue(err.toString().startsWith("seed-bootstrap: internal error: out of memory (Java heap limit"), err.toString());
        assertEquals(1, err.toString().lines().count(), "one line, no trace: " + err);
        StringWriter verbose = new StringWriter();
        RootCommand.guard(() -> new long[Integer.MAX_VALUE - 8].length, new PrintWriter(verbose, true), true);
        assertTrue(verbose.toString().contains("\tat "), "--verbose adds the trace");
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
