package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.ActionRunner;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code seed-bootstrap backup INVENTORY --out FILE} and {@code backup verify FILE} (docs/formats.md "DR archive"). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Take an etcd snapshot on the bootstrap server and seal it, with the server token, the RKE2 configuration, "
                + "the inventory and the PKI, into one encrypted archive for `restore`.",
            "The passphrase comes from $SEED_DR_PASSPHRASE (or --passphrase-env NAME), else it is asked for on the terminal."},
        subcommands = BackupCommand.Verify.class)
final class BackupCommand extends BaseCommand {
    // not required for picocli: `backup verify FILE` must parse without them (checked in call())
    @Parameters(paramLabel = "INVENTORY", arity = "0..1", description = "Inventory: seed-bootstrap YAML or an Ansible inventory.")
    Path file;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    InventoryOptions inventoryOptions;

    @Option(names = "--out", paramLabel = "FILE", description = "The archive to write (0600; required).")
    Path out;

    @Option(names = "--include-root-keys",
            description = "Also put the PKI's offline root and intermediate keys (cluster/offline, site/offline) into the archive.")
    boolean includeRootKeys;

    @Option(names = "--dry-run", description = "Show what would be done; change nothing, write nothing.")
    boolean dryRun;

    @Mixin
    DrPassphrase passphrase;

    @Override
    public Integer call() {
        if (file == null || out == null) {
            throw usage("backup needs INVENTORY and --out FILE");
        }
        LoadedInventory loaded = loadOrThrow(file, inventoryOptions);
        Inventory inventory = loaded.inventory();
        Secret secret = dryRun ? Secret.literal("") : passphrase.get(context, true);
        WriteArchive.Target target = new WriteArchive.Target(out.toAbsolutePath(), () -> secret, ArchiveCipher.Params.defaults(),
                loaded.file().toAbsolutePath(), inventory.pki().dir(), includeRootKeys, VersionProvider.createdBy());
        ActionRunner.Finished done = BackupAction.run(new BackupAction.Request(inventory, target, hostRun.ssh(), hostRun.forceUnlock),
                runner("backup", dryRun, hostRun), List.of(secret));
        PrintWriter stdout = out();
        Output.printChanges(stdout, done, dryRun, summary -> stdout.printf("Backup of %s written to %s in %.0f s (%s)%n"
                + "Check it any time with: seed-bootstrap backup verify %s%n", inventory.cluster().name(), out,
                done.took().toMillis() / 1000.0, summary, out));
        return 0;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Read a DR archive through without restoring it: passphrase, every chunk to the authenticated end, every "
                    + "file's sha256 against its manifest, the snapshot and tokens present. Exit 2 when it is not a whole archive.")
    static final class Verify extends BaseCommand {
        @Parameters(paramLabel = "FILE", description = "The archive.")
        Path file;

        @Mixin
        DrPassphrase passphrase;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            DrArchive.Verified verified = DrArchive.check(file, passphrase.get(context, false));
            DrManifest m = verified.manifest();
            PrintWriter out = out();
            if (output.json()) {
                ObjectNode root = Json.json().createObjectNode().put("file", file.toString()).put("ok", true).put("cluster", m.cluster())
                        .put("createdAt", m.createdAt()).put("rke2Version", m.rke2Version()).put("bootstrapServer", m.bootstrapServer())
                        .put("snapshot", m.snapshot()).put("rootKeys", m.rootKeys());
                ArrayNode files = root.putArray("files");
                m.files().forEach(f -> files.addObject().put("path", f.path()).put("kind", f.kind()).put("size", f.size())
                        .put("sha256", f.sha256()));
                Output.print(out, Json.json(), root);
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
