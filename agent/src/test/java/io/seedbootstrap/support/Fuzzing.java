package io.seedbootstrap.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every fuzz test (Jazzer, {@code *FuzzTest}) holds a reader of untrusted bytes to: it
 * returns a result, or refuses the input with a {@link SeedException} carrying the documented
 * exit code for bad input (2). Anything else escaping — another exception, an Error such as a
 * stack overflow, or running out of the fuzz run's small heap — is a finding.
 */
public final class Fuzzing {
    private Fuzzing() {}

    /** A scratch folder for one fuzz test class, removed when the JVM ends. */
    public static Path scratch(String name) {
        try {
            Path dir = Files.createTempDirectory("fuzz-" + name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code reader}; a SeedException is accepted only with {@code allowed} exit codes (bad input by default). */
    public static void refusedOnlyAs(Runnable reader, ExitCode... allowed) {
        try {
            reader.run();
        } catch (SeedException e) {
            ExitCode[] codes = allowed.length == 0 ? new ExitCode[] {ExitCode.BAD_INPUT} : allowed;
            for (ExitCode code : codes) {
                if (e.exitCode() == code) {
                    if (e.getMessage() == null || e.getMessage().isBlank()) {
                        throw new AssertionError("a refusal without a message", e);
                    }
                    return;
                }
            }
            throw new AssertionError("refused with exit code " + e.exitCode().code() + ", not a documented one for bad input: "
                    + e.getMessage(), e);
        }
    }
}
