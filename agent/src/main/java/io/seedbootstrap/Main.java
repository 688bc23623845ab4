package io.seedbootstrap;

import io.seedbootstrap.cli.RootCommand;
import io.seedbootstrap.support.Environment;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Entry point of seed-bootstrap.jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (verbose(args)) {
            // before the first logger exists: slf4j-simple reads its levels once
            System.setProperty("org.slf4j.simpleLogger.log.io.seedbootstrap", "debug");
        }
        boolean verbose = verbose(args);
        // libraries' log lines (slf4j-simple writes to System.err) may quote host text: escaped like our own output
        System.setErr(new java.io.PrintStream(io.seedbootstrap.support.TerminalText.stream(System.err), true, StandardCharsets.UTF_8));
        // a worker thread that dies of an exception or Error prints one line, not a raw trace (the command reports the failure)
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("seed-bootstrap: internal error in thread " + thread.getName() + ": " + e
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace();
            }
        });
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Path home = Path.of(System.getProperty("user.home"));
        int code = RootCommand.run(args, out, err, Environment.system(), home);
        out.flush();
        err.flush();
        System.exit(code);
    }

    private static boolean verbose(String[] args) {
        return java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
    }
}
