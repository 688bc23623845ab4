package io.seedbootstrap.cli;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.TerminalText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    success",
            "  1    the operation failed (a host command, a transfer, a verification)",
            "  2    bad usage or invalid input (command line, inventory, bundle, PKI files)",
            "  3    preflight failed or a host is in an unexpected state",
            "  4    internal error (a bug, or Java out of memory/stack: please report it with the --verbose output)",
            "  130  interrupted (Ctrl-C)"})
public final class RootCommand implements Runnable {
    /**
     * The subcommands, in the order help lists them. Not in {@code @Command(subcommands = ...)}: picocli
     * would build every command's model (reflection over all their options) on each start, most of
     * {@code --help}'s time; {@link #build} builds only the one the arguments name (scripts/bench-startup.sh).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(InventoryCommand.class, PkiCommand.class, BundleCommand.class,
            PreflightCommand.class, InstallCommand.class, HandoffCommand.class, UpgradeCommand.class, BackupCommand.class, RestoreCommand.class,
            ResetCommand.class, StatusCommand.class, KubeconfigCommand.class, SupportBundleCommand.class,
            AutoComplete.GenerateCompletion.class);

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
        CommandLine commandLine = build(context, args);
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
     * The groups whose subcommands are built as the root's are, with their lists (a group that has options
     * of its own, like backup, keeps its subcommands in @Command: which argument names one is not clear-cut there).
     */
    static final Map<Class<?>, List<Class<?>>> GROUPS = Map.of(InventoryCommand.class, InventoryCommand.SUBCOMMANDS,
            PkiCommand.class, PkiCommand.SUBCOMMANDS, BundleCommand.class, BundleCommand.SUBCOMMANDS);

    /**
     * The command line for these arguments: the subcommand they name built in full, every other one as
     * a stub holding only what the root's help lists (name, aliases, header, description, hidden), which
     * is also enough for picocli's "did you mean" on a misspelt name; within a group ({@link #GROUPS}) the
     * same again for the subcommand named next. Everything is built in full when the arguments could reach
     * past a stub: generate-completion (it walks the whole tree) and any {@code @file} argument (picocli
     * expands it while parsing).
     */
    static CommandLine build(CliContext context, String[] args) {
        CommandLine root = new CommandLine(new RootCommand(context), new ContextFactory(context));
        List<String> arguments = List.of(args);
        int named = subcommandAt(arguments);
        boolean everything = arguments.stream().anyMatch(a -> a.startsWith("@"))
                || named >= 0 && "generate-completion".equals(arguments.get(named));
        addSubcommands(root, SUBCOMMANDS, everything ? null : arguments);
        return root;
    }

    /** Adds these subcommands to {@code parent}: all in full when {@code args} is null, else only the one they name. */
    private static void addSubcommands(CommandLine parent, List<Class<?>> types, List<String> args) {
        int at = args == null ? -1 : subcommandAt(args);
        String named = at < 0 ? null : args.get(at);
        for (Class<?> type : types) {
            Command command = type.getAnnotation(Command.class);
            if (args == null || named != null && (command.name().equals(named) || List.of(command.aliases()).contains(named))) {
                parent.addSubcommand(type);
                List<Class<?>> nested = GROUPS.get(type);
                if (nested != null) {
                    addSubcommands(parent.getSubcommands().get(command.name()), nested, args == null ? null : args.subList(at + 1, args.size()));
                }
            } else {
                parent.addSubcommand(command.name(), stub(command));
            }
        }
    }

    /**
     * Where the first argument that is not an option is (no option of the root or of a group takes a value),
     * or -1: none, or {@code --} first. ({@code @file} arguments never get here: {@link #build} builds everything for them.)
     */
    private static int subcommandAt(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                return -1;
            }
            if (!arg.startsWith("-")) {
                return i;
            }
        }
        return -1;
    }

    private static CommandLine.Model.CommandSpec stub(Command command) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().aliases(command.aliases());
        spec.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
        return spec;
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
