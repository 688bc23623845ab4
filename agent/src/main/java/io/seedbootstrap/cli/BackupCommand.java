package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.BackupAction;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap backup INVENTORY --out FILE} and {@code backup verify FILE} (docs/formats.md "DR archive"). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Take an etcd snapshot on the bootstrap server and seal it, with the server token, the RKE2 configuration, "
                + "the inventory and the PKI, into one encrypted archive for `restore`.",
            "The passphrase comes from $SEED_DR_PASSPHRASE (or --passphrase-env NAME), else it is asked for on the terminal."},
        subcommands = BackupCommand.Verify.class)
final class BackupCommand implements Callable<Integer> {
    // not required for picocli: `backup verify FILE` must parse without them (checked in call())
    @Parameters(paramLabel = "INVENTORY", arity = "0..1", description = "Inventory: seed-bootstrap YAML or an Ansible inventory.")
    Path file;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    InventoryOptions inventoryOptions;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    @Option(names = "--out", paramLabel = "FILE", description = "The archive to write (0600; required).")
    Path out;

    @Option(names = "--include-root-keys",
            description = "Also put the PKI's offline root and intermediate keys (cluster/offline, site/offline) into the archive.")
    boolean includeRootKeys;

    @Option(names = "--dry-run", description = "Show what would be done; change nothing, write nothing.")
    boolean dryRun;

    @Mixin
    DrPassphrase passphrase;

    BackupCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (file == null || out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "backup needs INVENTORY and --out FILE");
        }
        LoadedInventory loaded = context.inventoryLoader().loadOrThrow(file, inventoryOptions.toLoadOptions());
        Output.printDiagnostics(spec.commandLine().getErr(), loaded.diagnostics());
        Inventory inventory = loaded.inventory();
        Secret secret = dryRun ? Secret.literal("") : passphrase.get(context, true);
        WriteArchive.Target target = new WriteArchive.Target(out.toAbsolutePath(), secret, ArchiveCipher.Params.defaults(),
                loaded.file().toAbsolutePath(), inventory.pki().dir(), includeRootKeys, createdBy());
        ActionRun.Finished done = new ActionRun(spec, context, "backup").run(inventory, List.of(secret), dryRun, hostRun.logFile,
                hostRun.waitTimeout(), (runId, lock) -> BackupAction.phases(new BackupAction.Request(inventory, target,
                        hostRun.ssh(), lock, hostRun.forceUnlock)),
                "backup of cluster " + inventory.cluster().name() + " from " + inventory.bootstrapServer().name());
        PrintWriter stdout = spec.commandLine().getOut();
        ActionRun.printChanges(stdout, done.run(), dryRun, summary -> stdout.printf("Backup of %s written to %s in %.0f s (%s)%n"
                + "Check it any time with: seed-bootstrap backup verify %s%n", inventory.cluster().name(), out,
                done.took().toMillis() / 1000.0, summary, out));
        return 0;
    }

    private static String createdBy() {
        try {
            return new VersionProvider().getVersion()[0];
        } catch (java.io.IOException e) {
            return "seed-bootstrap";
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Read a DR archive through without restoring it: passphrase, every chunk to the authenticated end, every "
                    + "file's sha256 against its manifest, the snapshot and tokens present. Exit 2 when it is not a whole archive.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The archive.")
        Path file;

        @Mixin
        DrPassphrase passphrase;

        @Mixin
        OutputOption output;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            DrArchive.Verified verified = DrArchive.check(file, passphrase.get(context, false));
            DrManifest m = verified.manifest();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                ObjectNode root = Json.json().createObjectNode().put("file", file.toString()).put("ok", true).put("cluster", m.cluster())
                        .put("createdAt", m.createdAt()).put("rke2Version", m.rke2Version()).put("bootstrapServer", m.bootstrapServer())
                        .put("snapshot", m.snapshot()).put("rootKeys", m.rootKeys());
                ArrayNode files = root.putArray("files");
                m.files().forEach(f -> files.addObject().put("path", f.path()).put("kind", f.kind()).put("size", f.size())
                        .put("sha256", f.sha256()));
                InventoryCommand.print(out, Json.json(), root);
                return 0;
            }
            out.printf("%s: a whole DR archive of cluster %s, made %s on %s, RKE2 %s%n", file, m.cluster(), m.createdAt(),
                    m.bootstrapServer(), m.rke2Version());
            out.printf("%-10s %12s  %s%n", "KIND", "BYTES", "PATH");
            m.files().forEach(f -> out.printf("%-10s %12d  %s%n", f.kind(), f.size(), f.path()));
            out.println(m.files().size() + " file(s) verified" + (m.rootKeys() ? "; holds the offline root keys" : ""));
            return 0;
        }
    }
}
