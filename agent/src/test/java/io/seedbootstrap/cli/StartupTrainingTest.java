package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers' class data sharing training must run every command it trains, or the archive lacks their classes. */
class StartupTrainingTest {
    @TempDir
    Path work;

    @Test
    void everyTrainedCommandSucceedsOnTheTrainingMaterial() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, StartupTraining.train(work, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(work.resolve("bundle/manifest.json.sig")), "bundle verify ran on a signed bundle");
    }

    @Test
    void aFailingCommandIsNamedAndEndsTheTraining() throws Exception {
        Files.createDirectories(work.resolve("bundle"));
        Files.writeString(work.resolve("bundle/stray.txt"), "not in the manifest\n"); // bundle verify refuses the bundle
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, StartupTraining.train(work, new PrintStream(err, true, StandardCharsets.UTF_8)));
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("StartupTraining: bundle verify ") && said.contains("stray.txt"), said);
    }
}
