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
        if (java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose")) {
            // before the first logger exists: slf4j-simple reads its levels once
            System.setProperty("org.slf4j.simpleLogger.log.io.seedbootstrap", "debug");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Path home = Path.of(System.getProperty("user.home"));
        int code = RootCommand.run(args, out, err, Environment.system(), home);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
