package io.seedbootstrap.cli;

import io.seedbootstrap.pki.ca.CertificateDetails;
import io.seedbootstrap.pki.ca.Finding;
import io.seedbootstrap.pki.ca.PkiInspector;
import io.seedbootstrap.pki.ca.PkiLayout;
import io.seedbootstrap.pki.ca.PkiReport;
import io.seedbootstrap.pki.ca.PkiSettings;
import io.seedbootstrap.pki.ca.ShowOptions;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap pki show}: every certificate, key and token of the PKI directory, and what is wrong with them. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Report every certificate of the PKI directory (subject, issuer, SANs, SHA-256 fingerprint, expiry) and check it: "
                + "chains verified up to their root, keys matching, the cluster and site hierarchies separate, join tokens bound to the "
                + "cluster root, file modes.",
            "Exit 1 when a check fails; with --strict also when a certificate expires within pki.expiryWarningDays."})
final class PkiShowCommand implements Callable<Integer> {
    @Parameters(paramLabel = "INVENTORY|DIR", description = "The inventory (its pki.dir; its passphrase lets encrypted keys be checked), "
            + "or the PKI directory itself.")
    Path target;

    @Mixin
    InventoryOptions inventoryOptions;

    @Mixin
    PassphrasePrompt passphrasePrompt;

    @Option(names = "--strict", description = "Also fail (exit 1) on warnings: a certificate expiring soon, a root key still here, a loose mode.")
    boolean strict;

    @Option(names = "--expiry-warning-days", paramLabel = "DAYS",
            description = "Warn below this many days left (default: the inventory's pki.expiryWarningDays, else 90).")
    Integer expiryWarningDays;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    PkiShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PkiLayout layout;
        ShowOptions options;
        if (Files.isDirectory(target)) {
            layout = new PkiLayout(target);
            options = ShowOptions.forDirectory(expiryWarningDays);
        } else {
            PkiSettings settings = passphrasePrompt.apply(PkiCommand.settings(context, target, inventoryOptions, spec), false);
            layout = settings.layout();
            ShowOptions fromInventory = ShowOptions.of(settings);
            options = expiryWarningDays == null ? fromInventory
                    : new ShowOptions(expiryWarningDays, fromInventory.rootKeyPassphrase(), fromInventory.leaves());
        }
        PkiReport report = new PkiInspector(Clock.systemUTC()).inspect(layout, options);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            InventoryCommand.print(out, Json.json(), report);
        } else {
            printText(out, report);
        }
        long errors = report.count(Finding.Severity.ERROR);
        long warnings = report.count(Finding.Severity.WARNING);
        if (errors > 0 || (strict && warnings > 0)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("seed-bootstrap: pki show: " + errors + " error" + (errors == 1 ? "" : "s") + ", " + warnings + " warning"
                    + (warnings == 1 ? "" : "s") + (errors == 0 ? " (--strict)" : "") + " in " + report.dir());
            err.flush();
            return ExitCode.FAILED.code();
        }
        return 0;
    }

    private static void printText(PrintWriter out, PkiReport report) {
        out.println("PKI" + (report.cluster() == null ? "" : " of cluster " + report.cluster()) + " in " + report.dir()
                + (report.siteSource() == null ? "" : " (site CA: " + report.siteSource() + ")") + "; warning below "
                + report.expiryWarningDays() + " days");
        for (PkiReport.CertificateFile file : report.certificates()) {
            CertificateDetails c = file.certificate();
            out.println();
            out.println(file.path() + "  [" + file.kind().key() + "]");
            out.println("    subject   " + c.subject());
            out.println("    issuer    " + (c.selfIssued() ? "(self-signed)" : c.issuer()));
            if (!c.subjectAltNames().isEmpty()) {
                out.println("    SANs      " + String.join(", ", c.subjectAltNames()));
            }
            out.println("    key       " + c.publicKey() + (c.ca() ? ", CA" : ""));
            out.println("    sha256    " + c.fingerprint());
            out.println("    expires   " + c.notAfter() + " (" + c.daysLeft() + " days left)");
            out.println("    chain     " + file.certificatesInFile() + " certificate" + (file.certificatesInFile() == 1 ? "" : "s") + " in the file, "
                    + (file.verifiedRoot() == null ? "NOT verified" : "verified up to \"" + file.verifiedRoot() + "\""));
        }
        out.println();
        out.println("keys (content never shown):");
        int width = report.keys().stream().mapToInt(k -> k.path().length()).max().orElse(0);
        for (PkiReport.KeyFile key : report.keys()) {
            String state = !key.present() ? "not here" : key.mode() + (Boolean.TRUE.equals(key.encrypted()) ? ", encrypted" : "")
                    + (key.algorithm() == null ? "" : ", " + key.algorithm())
                    + (key.matches() == null ? "" : key.matches().startsWith("no") || key.matches().startsWith("not") || key.matches().equals("unreadable")
                            ? ", " + key.matches() : ", matches " + key.matches());
            out.printf("  %-" + width + "s  %s%n", key.path(), state);
        }
        out.println("join tokens (values never shown):");
        for (PkiReport.TokenFile token : report.tokens()) {
            out.println("  " + token.path() + "  " + (token.mode() == null ? "missing" : token.mode() + ", user " + token.user()
                    + (token.caHashMatchesClusterRoot() == null ? "" : token.caHashMatchesClusterRoot() ? ", CA hash = cluster root"
                            : ", CA hash WRONG")));
        }
        if (!report.findings().isEmpty()) {
            out.println();
            for (Finding finding : report.findings()) {
                out.println(finding.render());
            }
        }
        out.println();
        out.println(report.certificates().size() + " certificate files, " + report.count(Finding.Severity.ERROR) + " errors, "
                + report.count(Finding.Severity.WARNING) + " warnings");
        out.flush();
    }
}
