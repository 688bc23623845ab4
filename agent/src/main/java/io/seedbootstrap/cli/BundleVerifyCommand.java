package io.seedbootstrap.cli;

import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bundle verify}: a bundle checked whole against its signature and manifest. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a bundle before using it: the signature first (an unsigned bundle, or one signed by another key than "
                + "the pinned one, is refused), then every file's size and sha256 in parallel, missing and unexpected files, and "
                + "path safety (absolute paths, \"..\", symbolic links, names FAT32 cannot hold).",
            "Exit 1 naming every bad file. Progress on stderr."})
final class BundleVerifyCommand extends BaseCommand {
    @Parameters(paramLabel = "DIR", arity = "0..1", description = "The bundle directory (default: the inventory's bundle.path).")
    Path directory;

    @ArgGroup(exclusive = true)
    TrustOptions trust;

    static final class TrustOptions {
        @Option(names = "--signing-key-fingerprint", paramLabel = "SHA256:...",
                description = "Trust only this bundle-signing key (as `bundle keygen` printed it).")
        String fingerprint;

        @Option(names = "--inventory", paramLabel = "FILE",
                description = "Trust the key the inventory pins (bundle.signingKeyFingerprint) and check the bundle fits it "
                        + "(RKE2 version, CNI).")
        Path inventory;
    }

    @Mixin
    InventoryOptions inventoryOptions;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Also check the bundle is for this architecture (amd64, arm64, s390x).")
    String arch;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once (default: the number of cores).")
    Integer threads;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Inventory inventory = null;
        BundleVerifier.Trust trusted = BundleVerifier.Trust.none();
        if (trust != null && trust.inventory != null) {
            LoadedInventory loaded = loadOrThrow(trust.inventory, inventoryOptions);
            inventory = loaded.inventory();
            String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
            if (pinned == null) {
                throw SeedException.badInput(trust.inventory + ": bundle.signingKeyFingerprint is not set; pin the fingerprint "
                        + "`bundle keygen` printed, so only bundles signed by that key are trusted");
            }
            trusted = BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + trust.inventory);
            if (directory == null) {
                directory = inventory.bundle().path();
            }
        } else if (trust != null && trust.fingerprint != null) {
            if (!TextFormat.FINGERPRINT.matches(trust.fingerprint)) {
                throw SeedException.badInput("--signing-key-fingerprint \"" + trust.fingerprint + "\" is not "
                        + TextFormat.FINGERPRINT.description());
            }
            trusted = BundleVerifier.Trust.pinned(trust.fingerprint, "--signing-key-fingerprint");
        }
        if (directory == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give the bundle DIR (or --inventory with bundle.path set)");
        }
        Arch expectedArch = null;
        if (arch != null) {
            try {
                expectedArch = Arch.fromMachine(arch);
            } catch (IllegalArgumentException e) {
                throw SeedException.badInput("--arch " + arch + ": use amd64, arm64 or s390x");
            }
        }
        int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
        StderrProgress progress = new StderrProgress(err());
        BundleVerifier.Report report = new BundleVerifier(workers, progress).verify(directory, trusted);
        List<String> fit = List.of();
        if (report.ok() && (inventory != null || expectedArch != null)) {
            VerifiedBundle verified = report.orThrow();
            fit = verified.compatibilityProblems(inventory == null ? null : inventory.cluster().rke2Version(),
                    inventory == null ? null : inventory.cluster().cni(), expectedArch, "--arch");
        }
        for (String note : report.notes()) {
            err().println("note: " + note);
        }
        if (output.json()) {
            printJson(jsonReport(report, fit));
            return report.ok() && fit.isEmpty() ? 0 : io.seedbootstrap.support.ExitCode.FAILED.code();
        }
        VerifiedBundle verified = report.orThrow();
        if (!fit.isEmpty()) {
            throw new SeedException(io.seedbootstrap.support.ExitCode.FAILED, "bundle " + directory
                    + " is intact but does not fit " + (inventory != null ? "the inventory" : "--arch") + ":\n  " + String.join("\n  ", fit));
        }
        BundleManifest manifest = verified.manifest();
        out().println("bundle " + directory + ": OK, " + manifest.files().size() + " files, "
                + StderrProgress.size(manifest.totalSize()) + ", RKE2 " + manifest.rke2Version() + " " + manifest.arch().platform());
        if (report.signerPinned()) {
            out().println("signed by " + report.signer() + " (the pinned key)");
        } else {
            out().println("signed by " + report.signer() + " (NOT checked against a pinned key)");
            err().println("warning: the signer was not checked; pass --signing-key-fingerprint or --inventory "
                    + "to refuse bundles signed by any other key");
        }
        return 0;
    }

    private static Map<String, Object> jsonReport(BundleVerifier.Report report, List<String> fit) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bundle", report.directory().toString());
        json.put("ok", report.ok() && fit.isEmpty());
        json.put("signer", report.signer());
        json.put("signerPinned", report.signerPinned());
        if (report.manifest() != null) {
            json.put("rke2Version", report.manifest().rke2Version());
            json.put("arch", report.manifest().arch().key());
            json.put("files", report.manifest().files().size());
            json.put("bytes", report.manifest().totalSize());
        }
        json.put("bytesHashed", report.bytesHashed());
        json.put("problems", report.problems().stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList());
        json.put("inventoryMismatches", fit);
        json.put("notes", report.notes());
        return json;
    }
}
