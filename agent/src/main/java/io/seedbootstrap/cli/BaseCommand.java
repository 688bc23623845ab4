package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.support.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares (jbang's BaseCommand): its streams, the {@link CliContext} and
 * loading an inventory. Options that only some commands take are mixins they declare
 * ({@link OutputOption}, {@link InventoryOptions}, {@link HostRunOptions}...), so a command class
 * holds only its own options and the call that adapts them to an action or a library.
 */
@Command // no attributes: only so picocli takes the @Spec below; each subcommand says its own
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Set once by RootCommand's factory before the command runs. */
    CliContext context;

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** {@code value} as JSON on stdout (paths as plain strings). */
    final void printJson(Object value) {
        Output.print(out(), Json.json(), value);
    }

    /** Loads or throws one error carrying every diagnostic (exit 2); warnings go to stderr. */
    /** The kubeconfig file a command writes: the one given, else CLUSTER.kubeconfig beside the inventory (where install puts it). */
    static Path kubeconfigFile(Path given, LoadedInventory loaded) {
        return given != null ? given : loaded.file().toAbsolutePath().getParent().resolve(loaded.inventory().cluster().name() + ".kubeconfig");
    }

    final LoadedInventory loadOrThrow(Path file, InventoryOptions options) {
        LoadedInventory loaded = context.inventoryLoader().loadOrThrow(file, options.toLoadOptions());
        Output.printDiagnostics(err(), loaded.diagnostics());
        return loaded;
    }

    /** The engine for this command's action, with the options every host-changing command shares. */
    final ActionRunner runner(String command, boolean dryRun, HostRunOptions hostRun) {
        return new ActionRunner(new ActionRunner.Settings(command, dryRun, hostRun.logFile, hostRun.waitTimeout(),
                RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), true));
    }

    /** The engine for an action that changes files on this machine only (no host options, no log file kept). */
    final ActionRunner localRunner(String command) {
        return new ActionRunner(new ActionRunner.Settings(command, false, null, java.time.Duration.ofMinutes(1),
                RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), false));
    }

    /** A usage error (exit 2, with "Run '... --help' for usage."). */
    final picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
