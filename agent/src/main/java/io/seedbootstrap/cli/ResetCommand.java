package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.ResetAction;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap reset INVENTORY}: uninstall RKE2 and seed-bootstrap's files from every host. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Uninstall RKE2 from every host of the inventory (stop the units, run the uninstall script the bundle installed) "
                + "and remove /var/lib/seed-bootstrap. This deletes the cluster and its local snapshots.",
            "Needs a DR archive younger than --max-backup-age (read through first) or --no-backup, and --yes or a typed confirmation."})
final class ResetCommand extends InventoryCommand.InventoryFileCommand {
    static final class BackupChoice {
        @Option(names = "--backup", paramLabel = "ARCHIVE", description = "A recent DR archive of this cluster, verified before anything is removed.")
        Path backup;

        @Option(names = "--no-backup", description = "Reset without a backup: the cluster's data is lost.")
        boolean noBackup;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    BackupChoice backupChoice;

    @Option(names = "--max-backup-age", paramLabel = "HOURS", defaultValue = "24",
            description = "How old the --backup archive may be (default: ${DEFAULT-VALUE} hours).")
    long maxBackupAgeHours;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--dry-run", description = "List what would be stopped and removed on each host; change nothing.")
    boolean dryRun;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    DrPassphrase passphrase;

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow();
        Inventory inventory = loaded.inventory();
        Path backup = backupChoice == null ? null : backupChoice.backup;
        if (backup == null && (backupChoice == null || !backupChoice.noBackup) && !dryRun) {
            throw SeedException.badInput("reset deletes the cluster and its local snapshots: give a recent archive with --backup FILE "
                    + "(seed-bootstrap backup writes one), or --no-backup");
        }
        Secret secret = backup == null ? Secret.literal("") : passphrase.get(context, false);
        if (!dryRun && !yes) {
            confirm(inventory);
        }
        ActionRunner.Finished done = ResetAction.run(new ResetAction.Request(inventory, backup, secret, Duration.ofHours(maxBackupAgeHours),
                hostRun.ssh(), hostRun.forceUnlock), runner("reset", dryRun, hostRun));
        PrintWriter out = out();
        Output.printChanges(out, done, dryRun, summary -> out.println("Reset " + inventory.cluster().name() + " on "
                + inventory.hosts().size() + " host(s): " + summary));
        return 0;
    }

    private void confirm(Inventory inventory) {
        Console console = System.console();
        if (console == null) {
            throw SeedException.badInput("reset needs --yes when there is no terminal to confirm on");
        }
        PrintWriter err = err();
        err.println("This uninstalls RKE2 and deletes cluster " + inventory.cluster().name() + " with its data on:");
        for (Host host : inventory.hosts()) {
            err.println("  " + host.name() + " (" + host.address() + ", " + host.role().key() + ")");
        }
        err.flush();
        String answer = console.readLine("Type the cluster name to go on: ");
        if (answer == null || !answer.strip().equals(inventory.cluster().name())) {
            throw SeedException.badInput("not confirmed; nothing was changed");
        }
    }
}
