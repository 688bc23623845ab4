package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/seed-bootstrap, the wrapper with class data sharing (README "Start-up"), on the shaded jar (an IT:
 * failsafe runs after package). Its archive only ever changes speed: a damaged or unusable one, or none, still
 * runs the command; short commands run on C1 alone, the others keep C2 (bundle verify's SHA-256 intrinsic).
 */
class WrapperScriptIT {
    static Path jar;
    static Path script;

    @TempDir
    Path dir;

    @BeforeAll
    static void paths() {
        jar = Path.of("target/seed-bootstrap.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing; run `mvn package` (failsafe runs after it)");
        script = Path.of("../scripts/seed-bootstrap").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), script.toString());
    }

    private record Run(int code, String out, String err) {}

    private Run run(Path cache, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("SEED_BOOTSTRAP_JAR", jar.toString());
        builder.environment().put("SEED_BOOTSTRAP_CACHE", cache.toString());
        builder.environment().put("TMPDIR", dir.toString());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        int code = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path archive(Path cache) throws Exception {
        try (Stream<Path> files = Files.walk(cache)) {
            List<Path> archives = files.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
            assertEquals(1, archives.size(), archives.toString());
            return archives.get(0);
        }
    }

    @Test
    void aDamagedArchiveIsIgnoredNotACrash() throws Exception {
        Path cache = dir.resolve("cache");
        Run first = run(cache, Map.of(), "--version");
        assertEquals(0, first.code, first.out + first.err);
        assertTrue(first.err.contains("preparing class data sharing"), first.err);
        Path archive = archive(cache);
        Run mapped = run(cache, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load"), "--help");
        assertEquals(0, mapped.code, mapped.err);
        assertTrue(mapped.out.contains("io.seedbootstrap.cli.RootCommand source: shared objects file"), "our classes come from the archive");

        // bytes in the middle of the archive changed (a bad disk, a stray write): JDK 17 maps it and crashes
        // (SIGSEGV in G1BlockOffsetTablePart::update) unless it checks the archive's checksum first
        archive.toFile().setWritable(true);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            byte[] junk = new byte[512 << 10];
            new java.util.Random(7).nextBytes(junk);
            file.seek(Math.min(1 << 20, file.length() / 2));
            file.write(junk);
        }
        Run damaged = run(cache, Map.of(), "--version");
        assertEquals(0, damaged.code, damaged.out + damaged.err);
        assertTrue(damaged.out.startsWith("seed-bootstrap "), damaged.out);
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("hs_err")), "no crash report in the working directory");
        }
    }

    @Test
    void withoutAUsableCacheItRunsWithoutTheArchive() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Run run = run(notADirectory.resolve("cache"), Map.of(), "--version");
        assertEquals(0, run.code, run.out + run.err);
        assertTrue(run.out.startsWith("seed-bootstrap "), run.out);
    }

    @Test
    void onlyShortCommandsStopAtC1() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> flags = Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal");
        Run version = run(cache, flags, "--version");
        assertEquals(0, version.code, version.err);
        assertTrue(version.out.matches("(?s).* TieredStopAtLevel += 1 .*"), "short: C1 only");
        Run help = run(cache, flags, "bundle", "verify", "--help");
        assertTrue(help.out.matches("(?s).* TieredStopAtLevel += 1 .*"), "help of any command is short");
        Run verify = run(cache, flags, "bundle", "verify", dir.resolve("no-such-bundle").toString());
        assertEquals(2, verify.code, verify.err);
        assertTrue(verify.out.matches("(?s).* TieredStopAtLevel += 4 .*"), "bundle verify keeps C2 (its SHA-256 intrinsic)");
        assertTrue(verify.out.matches("(?s).* VerifySharedSpaces += true .*"), "the archive's checksum is checked");
    }
}
