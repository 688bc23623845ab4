package io.seedbootstrap.cli;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.TerminalText;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code seed-bootstrap} command: global options and the subcommand tree. */
@Command(name = "seed-bootstrap",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Stands up an on-premise RKE2 seed cluster (CNI, PKI, cert-manager, Rancher, ArgoCD) on machines "
                + "reached over SSH, from an offline bundle.",
        subcommands = {InventoryCommand.class, PkiCommand.class, BundleCommand.class, PreflightCommand.class, InstallCommand.class, HandoffCommand.class,
            UpgradeCommand.class, BackupCommand.class, RestoreCommand.class, ResetCommand.class, AutoComplete.GenerateCompletion.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    success",
            "  1    the operation failed (a host command, a transfer, a verification)",
            "  2    bad usage or invalid input (command line, inventory, bundle, PKI files)",
            "  3    preflight failed or a host is in an unexpected state",
            "  4    internal error (a bug, or Java out of memory/stack: please report it with the --verbose output)",
            "  130  interrupted (Ctrl-C)"})
public final class RootCommand implements Runnable {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show debug output and stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CliContext context;

    RootCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Builds the command line, runs it and maps every outcome to a documented exit code.
     * Separate from main() so command tests run the real CommandLine with their own streams.
     */
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr, Environment environment, Path home) {
        // every character of every command's output passes TerminalText: untrusted text (bundle and archive
        // metadata, host output) cannot reach the terminal as escape sequences; nothing of ours writes control codes
        PrintWriter out = new PrintWriter(TerminalText.writer(rawOut), true);
        PrintWriter err = new PrintWriter(TerminalText.writer(rawErr), true);
        CliContext context = new CliContext(environment, home, new InventoryLoader(environment, home, io.seedbootstrap.inventory.ThisMachine.detect()));
        CommandLine commandLine = new CommandLine(new RootCommand(context), new ContextFactory(context));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)); // help text passes the filter too
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            err.println("seed-bootstrap: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.BAD_INPUT.code();
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean verbose = isVerbose(cmd);
            if (ex instanceof InventoryLoader.InvalidInventoryException invalid) {
                Output.printDiagnostics(err, invalid.loaded().diagnostics());
            }
            if (ex instanceof SeedException seed) {
                err.println("seed-bootstrap: " + seed.getMessage());
                if (verbose) {
                    ex.printStackTrace(err);
                }
                return seed.exitCode().code();
            }
            err.println("seed-bootstrap: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return ExitCode.INTERNAL.code();
        });
        boolean verbose = java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose");
        try {
            return guard(() -> commandLine.execute(args), err, verbose);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Runs a command and turns a Java {@link Error} escaping it (picocli passes Errors through)
     * into one line on stderr and exit 4 instead of a raw stack trace and exit 1. Readers bound
     * their input (README "Security notes"), so an Error here is a bug or a heap too small for
     * the job; the trace comes only with --verbose.
     */
    static int guard(java.util.function.IntSupplier command, PrintWriter err, boolean verbose) {
        try {
            return command.getAsInt();
        } catch (OutOfMemoryError e) {
            err.println("seed-bootstrap: internal error: out of memory (Java heap limit " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); an input may be far larger than expected: please report it with the --verbose output, or give Java "
                    + "more memory (java -Xmx...)");
            return traced(e, err, verbose);
        } catch (StackOverflowError e) {
            err.println("seed-bootstrap: internal error: stack overflow (an input nested too deeply reached code that does not "
                    + "bound it); please report it with the --verbose output");
            return traced(e, err, verbose);
        } catch (Error e) {
            err.println("seed-bootstrap: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
            return traced(e, err, verbose);
        }
    }

    private static int traced(Error e, PrintWriter err, boolean verbose) {
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.INTERNAL.code();
    }

    static boolean isVerbose(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof RootCommand rootCommand && rootCommand.verbose;
    }

    /** Hands every command the same context (no static state). */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            K created;
            try {
                created = type.getDeclaredConstructor(CliContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                created = CommandLine.defaultFactory().create(type);
            }
            if (created instanceof BaseCommand command) {
                command.context = context;
            }
            return created;
        }
    }
}
