package io.seedbootstrap.cli;

import io.seedbootstrap.support.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the real command line with captured stdout/stderr and its own environment. */
public final class CommandRunner {
    public record Result(int exitCode, String out, String err) {}

    private CommandRunner() {}

    public static Result run(Map<String, String> environment, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RootCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Environment.of(environment), home);
        return new Result(code, out.toString(), err.toString());
    }

    public static Result run(String... args) {
        return run(Map.of(), Path.of("/nonexistent-home"), args);
    }
}
