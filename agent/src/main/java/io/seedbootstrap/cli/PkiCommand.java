package io.seedbootstrap.cli;

import io.seedbootstrap.pki.ca.FileAction;
import io.seedbootstrap.pki.ca.InitReport;
import io.seedbootstrap.pki.ca.PkiInit;
import io.seedbootstrap.pki.ca.PkiSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap pki ...}: the cluster and site PKI, the join tokens, and their report. */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Create and check the PKI: a cluster root dedicated to RKE2, the site CA for Rancher, ArgoCD and cert-manager, "
                + "and the join tokens (layout: docs/formats.md \"PKI directory and token files\").")
public final class PkiCommand implements Runnable {
    /** Its subcommands, in help's order; RootCommand builds only the one the arguments name (not in @Command for that). */
    static final List<Class<?>> SUBCOMMANDS = List.of(Init.class, PkiShowCommand.class, ImportSigned.class);

    @Spec
    CommandSpec pkiSpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(pkiSpec.commandLine(), "a subcommand is required: init, show or import-signed");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create the PKI directory (pki.dir), or complete it: existing CAs are never replaced (unless --force), "
                    + "what is missing is added, e.g. the certificate of a new host name.",
                "Token values, passphrases and keys are never printed."})
    static final class Init extends BaseCommand {
        @Parameters(paramLabel = "INVENTORY", description = "The inventory (pki, cluster.name, apps.rancher/argocd.hostname).")
        Path file;

        @Mixin
        InventoryOptions inventoryOptions;

        @Mixin
        PassphrasePrompt passphrasePrompt;

        @Option(names = "--force", description = "Start anew: the existing PKI directory is moved aside (never deleted) and both "
                + "hierarchies and tokens are generated again. Every node, agent and cluster trusting the old ones must be re-installed.")
        boolean force;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            PkiSettings settings = passphrasePrompt.apply(settings(this, file, inventoryOptions), true);
            InitReport report = pkiInit(err()).run(settings, force);
            printReport(this, report, output.output);
            return 0;
        }
    }

    @Command(name = "import-signed", mixinStandardHelpOptions = true,
            description = "With pki.site.source csr: install the external CA's answer to site/issuing-ca.csr (the issued certificate "
                    + "first, then its issuers up to the root), then issue the Rancher and ArgoCD certificates.")
    static final class ImportSigned extends BaseCommand {
        @Parameters(index = "0", paramLabel = "INVENTORY", description = "The inventory.")
        Path file;

        @Parameters(index = "1", paramLabel = "ANSWER", description = "PEM file from the external CA: the signed site CA, then its issuers.")
        Path answer;

        @Mixin
        InventoryOptions inventoryOptions;

        @Mixin
        PassphrasePrompt passphrasePrompt;

        @Option(names = "--force", description = "Replace a site CA certificate that was already imported.")
        boolean force;

        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            PkiSettings settings = passphrasePrompt.apply(settings(this, file, inventoryOptions), false);
            InitReport report = pkiInit(err()).importSigned(settings, answer, force);
            printReport(this, report, output.output);
            return 0;
        }
    }

    static PkiSettings settings(BaseCommand command, Path file, InventoryOptions options) {
        return PkiSettings.from(command.loadOrThrow(file, options).inventory(), file);
    }

    private static PkiInit pkiInit(PrintWriter err) {
        return new PkiInit(Clock.systemUTC(), new SecureRandom(), message -> {
            err.println("pki: " + message);
            err.flush();
        });
    }

    private static void printReport(BaseCommand command, InitReport report, OutputFormat output) {
        PrintWriter out = command.out();
        PrintWriter err = command.err();
        for (String warning : report.warnings()) {
            err.println("warning: " + warning);
        }
        err.flush();
        if (output == OutputFormat.JSON) {
            command.printJson(report);
            return;
        }
        out.println("PKI of cluster " + report.cluster() + " in " + report.dir() + " (site CA: " + report.siteSource() + ")");
        if (report.previousPkiMovedTo() != null) {
            out.println("  the previous PKI directory was moved to " + report.previousPkiMovedTo());
        }
        List<FileAction> changed = report.actions().stream().filter(a -> a.action() != FileAction.Action.KEPT).toList();
        int width = changed.stream().mapToInt(a -> a.path().length()).max().orElse(0);
        for (FileAction action : changed) {
            out.printf("  %-8s %-" + width + "s  %s%n", action.action().key(), action.path(), action.detail() == null ? "" : action.detail());
        }
        long kept = report.actions().stream().filter(a -> a.action() == FileAction.Action.KEPT).map(FileAction::path).distinct().count();
        if (kept > 0) {
            out.println("  kept     " + kept + " existing file" + (kept == 1 ? "" : "s") + " unchanged");
        }
        out.println("cluster root sha256 (the CA hash in both join tokens): " + report.clusterRootFingerprint());
        if (report.siteRootFingerprint() != null) {
            out.println("site root sha256: " + report.siteRootFingerprint());
        }
        out.println("join tokens: cluster/token (servers), cluster/agent-token (agents only); mode 0600, values not shown");
        for (String note : report.notes()) {
            out.println("NEXT: " + note);
        }
        out.flush();
    }
}
