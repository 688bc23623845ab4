package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.SupportBundleAction;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.phase.day2.CollectSupportBundle;
import io.seedbootstrap.supportbundle.SupportArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap support-bundle inventory.yaml --out FILE}: one redacted archive to carry off the site. */
@Command(name = "support-bundle", mixinStandardHelpOptions = true,
        description = {"Collect what is needed to troubleshoot the seed without logging in, into one tar.gz (0600): per host its facts, "
                + "its preflight rows, `systemctl status` and the journal tail of its RKE2 unit, RKE2's config files; from a running "
                + "server the node list and the seed apps' job logs; this machine's seed-bootstrap run logs; and manifest.json saying "
                + "what was collected, from where, and what was redacted.",
            "Secrets are removed before anything is written: the inventory's secrets and ${ENV} values, the PKI's tokens, generated "
                + "app passwords, private keys, join tokens, Secret data and any value whose field name says secret. The manifest "
                + "names each redaction by field, never its value. A host that cannot be reached is a row of the manifest, not a "
                + "failure."},
        footer = "Nothing on the hosts changes (preflight's short-lived port listeners aside).")
public final class SupportBundleCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The archive to write (.tar.gz, 0600).")
    Path target;

    @Option(names = "--journal-lines", paramLabel = "N", defaultValue = "500",
            description = "Lines of each unit's journal and of each seed app's job log (default: ${DEFAULT-VALUE}).")
    int journalLines;

    @Mixin
    HostKeyOption hostKeys;

    @Override
    public Integer call() {
        if (journalLines < 1) {
            throw usage("--journal-lines must be at least 1");
        }
        LoadedInventory loaded = loadOrThrow();
        SupportBundleAction.Result result = SupportBundleAction.run(new SupportBundleAction.Request(loaded.inventory(),
                target.toAbsolutePath(), hostKeys.ssh(), journalLines,
                ActionRunner.logDirectory(context.environment(), context.home()), loaded.file().toAbsolutePath().getParent(),
                VersionProvider.createdBy(), Clock.systemUTC()),
                new ActionRunner(new ActionRunner.Settings("support-bundle", false, null, java.time.Duration.ZERO,
                        RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), false)));
        CollectSupportBundle.Written written = result.written();
        PrintWriter out = out();
        out.printf("Support bundle written to %s: %d file(s), %d redaction(s)%n", written.archive(), written.entries(), written.redactions());
        for (SupportArchive.HostRow row : written.hosts()) {
            out.printf("  %-16s %-7s %-11s %s%n", row.host(), row.role(), row.state(),
                    row.state().equals("unreachable") ? row.detail() : String.join("; ", row.notes()));
        }
        out.flush();
        return 0;
    }
}
