package io.seedbootstrap.cli;

import picocli.CommandLine.Option;

/** The {@code -o/--output} option the commands that print a result share. */
final class OutputOption {
    @Option(names = {"-o", "--output"}, description = "text or json.", defaultValue = "text")
    OutputFormat output;

    boolean json() {
        return output == OutputFormat.JSON;
    }
}
