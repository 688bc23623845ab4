package io.seedbootstrap.cli;

import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.bundle.BundleBuilder;
import io.seedbootstrap.bundle.BundlePlan;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.LocalMirror;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.bom.BomLoader;
import io.seedbootstrap.bundle.bom.BomSchema;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap bundle ...}: build, check and describe offline bundles. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Offline bundles: signing keys, create from a bill of materials, verify, inspect.",
        subcommands = {BundleCommand.Keygen.class, BundleCommand.Create.class, BundleCommand.Verify.class, BundleCommand.Inspect.class,
            BundleCommand.MirrorList.class, BundleCommand.Schema.class, BundlePushCommand.class})
public final class BundleCommand implements Runnable {
    @Spec
    CommandSpec bundleSpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(bundleSpec.commandLine(),
                "a subcommand is required: keygen, create, verify, inspect, push, mirror-list or schema");
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Create the dedicated bundle-signing key (Ed25519; never a CA key) and print its fingerprint, which "
                    + "inventories pin as bundle.signingKeyFingerprint.",
                "Writes DIR/" + BundleSigningKey.PRIVATE_FILE + " (PKCS#8 PEM, 0600; keep it on the build machine, offline if you can) "
                    + "and DIR/" + BundleSigningKey.PUBLIC_FILE + "."})
    static final class Keygen implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the key files (created if needed).")
        Path out;

        @Option(names = "--passphrase-env", paramLabel = "NAME",
                description = "Encrypt the private key with the passphrase in this environment variable (never on the command line).")
        String passphraseEnv;

        @Option(names = "--force", description = "Replace existing key files (inventories pinning the old fingerprint will refuse new bundles).")
        boolean force;

        @Mixin
        OutputOption output;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        Keygen(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Secret passphrase = passphrase(context, passphraseEnv);
            BundleSigningKey key = BundleSigningKey.generate();
            BundleSigningKey.Written written = key.write(out, passphrase, force);
            if (output.json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("privateKey", written.privateKeyFile().toString());
                result.put("publicKey", written.publicKeyFile().toString());
                result.put("encrypted", written.encrypted());
                result.put("fingerprint", key.fingerprint());
                InventoryCommand.print(spec.commandLine().getOut(), Json.json(), result);
            } else {
                spec.commandLine().getErr().println("wrote " + written.privateKeyFile() + " (private key, mode 0600"
                        + (written.encrypted() ? ", encrypted" : ", not encrypted") + ") and " + written.publicKeyFile());
                spec.commandLine().getErr().println("pin the fingerprint in the inventory: bundle: {signingKeyFingerprint: \""
                        + key.fingerprint() + "\"}");
                spec.commandLine().getOut().println(key.fingerprint());
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Build a signed offline bundle from a bill of materials, from a local mirror directory and/or downloads.",
                "Every file is copied streamed and hashed, checked against the BOM's sha256 (when it has one) and the RKE2 "
                    + "release's sha256sum file; charts are checked against the RKE2 version; files over the split size become "
                    + "numbered parts (FAT32). manifest.json and manifest.json.sig are written last."})
    static final class Create implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--bom", paramLabel = "FILE", required = true, description = "Bill of materials (bundles/*.yaml).")
        Path bom;

        @Option(names = "--mirror", paramLabel = "DIR",
                description = "Local mirror: every BOM file under its name (see `bundle mirror-list`). Tried first.")
        Path mirror;

        @Option(names = "--download", description = "Download what the mirror lacks from the BOM's URLs (proxies from https_proxy, "
                + "http_proxy, no_proxy; retries; resumes; the BOM's sha256 checked on arrival), and pull the charts' images from "
                + "their registries (by the BOM's digest when pinned) into OCI image archives.")
        boolean download;

        @Option(names = "--registry-ca-file", paramLabel = "FILE", description = "With --download: trust only these PEM CA "
                + "certificates for image registries (a mirror behind an internal CA); default: the JDK's trusted roots.")
        Path registryCaFile;

        @Option(names = "--cache", paramLabel = "DIR", description = "Where downloads are kept and resumed "
                + "(default ~/.cache/seed-bootstrap/downloads).")
        Path cache;

        @Option(names = "--signing-key", paramLabel = "FILE", required = true,
                description = "The bundle-signing private key (from `bundle keygen`).")
        Path signingKey;

        @Option(names = "--passphrase-env", paramLabel = "NAME",
                description = "Environment variable holding the signing key's passphrase, if it is encrypted.")
        String passphraseEnv;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "New (or empty) directory for the bundle.")
        Path out;

        @Option(names = "--split-size", paramLabel = "BYTES", converter = ByteSizeConverter.class,
                defaultValue = "4294967295", description = "Largest file on the medium; larger files become NAME.partNNN "
                        + "(default 4 GiB - 1, the FAT32 limit; 512M, 2G also accepted).")
        long splitSize;

        @Option(names = "--with-runtime", description = {"Also carry seed-bootstrap itself for machines without Java: "
                + "runtime/seed-bootstrap.jar, a Java runtime for linux-x64 linked by jlink from this JDK with the modules jdeps "
                + "finds in the jar (runtime/java-runtime-linux-x64.tar.gz), and seed-bootstrap.sh at the bundle root, run as "
                + "`sh BUNDLE/seed-bootstrap.sh ARGS...`. Needs a full JDK (jdeps, jlink, jmods); adds ~55 MiB and ~20 s."})
        boolean withRuntime;

        @Option(names = "--threads", paramLabel = "N", description = "Files copied and hashed at once (default: the number of cores).")
        Integer threads;

        @Option(names = "--runtime-jar", paramLabel = "FILE", description = "The seed-bootstrap jar to carry with --with-runtime "
                + "(default: the jar this command runs from).")
        Path runtimeJar;

        @Mixin
        OutputOption output;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        Create(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            BomLoader.LoadedBom loaded = new BomLoader().load(bom);
            List<io.seedbootstrap.bundle.ArtifactSource> sources = new java.util.ArrayList<>();
            if (mirror != null) {
                if (!java.nio.file.Files.isDirectory(mirror)) {
                    throw SeedException.badInput("--mirror " + mirror + ": no such directory");
                }
                sources.add(new LocalMirror(mirror));
            }
            if (download) {
                io.seedbootstrap.bundle.ProxySettings proxy;
                try {
                    proxy = io.seedbootstrap.bundle.ProxySettings.from(context.environment());
                } catch (IllegalArgumentException e) {
                    throw SeedException.badInput(e.getMessage());
                }
                Path cacheDirectory = cache != null ? cache : context.home().resolve(".cache/seed-bootstrap/downloads");
                java.io.PrintWriter err = spec.commandLine().getErr();
                sources.add(new io.seedbootstrap.bundle.HttpDownloader(
                        io.seedbootstrap.bundle.HttpDownloader.Settings.defaults(cacheDirectory, proxy), line -> {
                            err.println(line);
                            err.flush();
                        }));
                io.seedbootstrap.registry.RegistryAccess access = BundlePushCommand.access(registryCaFile, null, null, line -> {});
                sources.add(new io.seedbootstrap.bundle.RegistryImageSource(new io.seedbootstrap.registry.ImageArchives(access),
                        cacheDirectory, loaded.bom().rke2().arch()));
            } else if (registryCaFile != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--registry-ca-file goes with --download");
            }
            if (sources.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --mirror DIR, --download, or both");
            }
            if (runtimeJar != null && !withRuntime) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runtime-jar goes with --with-runtime");
            }
            BundleSigningKey key = BundleSigningKey.read(signingKey, passphrase(context, passphraseEnv));
            String createdBy = new VersionProvider().getVersion()[0];
            BundleBuilder.WithRuntime runtime = null;
            if (withRuntime) {
                Path jar = runtimeJar != null ? runtimeJar : runningJar().orElseThrow(() -> SeedException.badInput(
                        "--with-runtime: this seed-bootstrap does not run from a jar; give the jar to carry with --runtime-jar FILE"));
                String version = createdBy.replaceFirst("^seed-bootstrap ", "");
                runtime = new BundleBuilder.WithRuntime(jar, version);
                spec.commandLine().getErr().println("--with-runtime: jdeps and jlink on " + jar + " (takes a few seconds)");
                spec.commandLine().getErr().flush();
            }
            BundleBuilder.Request request = new BundleBuilder.Request(loaded, new io.seedbootstrap.bundle.ArtifactSources(sources), out,
                    key, splitSize, buildTime(context), createdBy, runtime);
            int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
            BundleBuilder.Result result = new BundleBuilder(new StderrProgress(spec.commandLine().getErr()), workers).build(request);
            BundleManifest manifest = result.manifest();
            if (output.json()) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("bundle", out.toString());
                summary.put("rke2Version", manifest.rke2Version());
                summary.put("arch", manifest.arch().key());
                summary.put("files", manifest.files().size());
                summary.put("bytes", manifest.totalSize());
                summary.put("signer", result.signerFingerprint());
                if (!result.runtimeModules().isEmpty()) {
                    summary.put("runtimeModules", result.runtimeModules());
                }
                InventoryCommand.print(spec.commandLine().getOut(), Json.json(), summary);
            } else {
                long split = manifest.files().stream().filter(ManifestFile::isSplit).count();
                int parts = manifest.files().stream().mapToInt(f -> f.parts().size()).sum();
                spec.commandLine().getOut().println("bundle " + out + ": RKE2 " + manifest.rke2Version() + " " + manifest.arch().platform()
                        + ", " + manifest.files().size() + " files, " + StderrProgress.size(manifest.totalSize())
                        + (split > 0 ? " (" + split + " split into " + parts + " parts)" : ""));
                spec.commandLine().getOut().println("signed by " + result.signerFingerprint());
                if (!result.runtimeModules().isEmpty()) {
                    spec.commandLine().getOut().println("with a Java runtime (" + String.join(",", result.runtimeModules())
                            + "); without Java: sh " + out.resolve(io.seedbootstrap.bundle.JavaRuntimeImage.LAUNCHER_PATH) + " ARGS...");
                }
            }
            return 0;
        }

        /** The jar this seed-bootstrap runs from, if it runs from one (not from target/classes). */
        private static java.util.Optional<Path> runningJar() {
            try {
                java.security.CodeSource source = BundleCommand.class.getProtectionDomain().getCodeSource();
                if (source == null || source.getLocation() == null) {
                    return java.util.Optional.empty();
                }
                Path path = Path.of(source.getLocation().toURI());
                return java.nio.file.Files.isRegularFile(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                return java.util.Optional.empty();
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a bundle before using it: the signature first (an unsigned bundle, or one signed by another key than "
                    + "the pinned one, is refused), then every file's size and sha256 in parallel, missing and unexpected files, and "
                    + "path safety (absolute paths, \"..\", symbolic links, names FAT32 cannot hold).",
                "Exit 1 naming every bad file. Progress on stderr."})
    static final class Verify implements java.util.concurrent.Callable<Integer> {
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

        @Spec
        CommandSpec spec;

        private final CliContext context;

        Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Inventory inventory = null;
            BundleVerifier.Trust trusted = BundleVerifier.Trust.none();
            if (trust != null && trust.inventory != null) {
                LoadedInventory loaded = context.inventoryLoader().loadOrThrow(trust.inventory, inventoryOptions.toLoadOptions());
                Output.printDiagnostics(spec.commandLine().getErr(), loaded.diagnostics());
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
            StderrProgress progress = new StderrProgress(spec.commandLine().getErr());
            BundleVerifier.Report report = new BundleVerifier(workers, progress).verify(directory, trusted);
            List<String> fit = List.of();
            if (report.ok() && (inventory != null || expectedArch != null)) {
                VerifiedBundle verified = report.orThrow();
                fit = verified.compatibilityProblems(inventory == null ? null : inventory.cluster().rke2Version(),
                        inventory == null ? null : inventory.cluster().cni(), expectedArch, "--arch");
            }
            for (String note : report.notes()) {
                spec.commandLine().getErr().println("note: " + note);
            }
            if (output.json()) {
                InventoryCommand.print(spec.commandLine().getOut(), Json.json(), jsonReport(report, fit));
                return report.ok() && fit.isEmpty() ? 0 : io.seedbootstrap.support.ExitCode.FAILED.code();
            }
            VerifiedBundle verified = report.orThrow();
            if (!fit.isEmpty()) {
                throw new SeedException(io.seedbootstrap.support.ExitCode.FAILED, "bundle " + directory
                        + " is intact but does not fit " + (inventory != null ? "the inventory" : "--arch") + ":\n  " + String.join("\n  ", fit));
            }
            BundleManifest manifest = verified.manifest();
            spec.commandLine().getOut().println("bundle " + directory + ": OK, " + manifest.files().size() + " files, "
                    + StderrProgress.size(manifest.totalSize()) + ", RKE2 " + manifest.rke2Version() + " " + manifest.arch().platform());
            if (report.signerPinned()) {
                spec.commandLine().getOut().println("signed by " + report.signer() + " (the pinned key)");
            } else {
                spec.commandLine().getOut().println("signed by " + report.signer() + " (NOT checked against a pinned key)");
                spec.commandLine().getErr().println("warning: the signer was not checked; pass --signing-key-fingerprint or --inventory "
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

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Show what a bundle holds: versions, components, files with sizes and the hosts that need them, and the signer. "
                    + "Checks the signature (not the files; that is `bundle verify`).")
    static final class Inspect implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The bundle directory.")
        Path directory;

        @Mixin
        OutputOption output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BundleVerifier.Report report = BundleVerifier.readSigned(directory);
            BundleManifest manifest = report.orThrow().manifest();
            if (output.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("bundle", directory.toString());
                json.put("signer", report.signer());
                json.put("bytes", manifest.totalSize());
                json.put("manifest", manifest);
                InventoryCommand.print(spec.commandLine().getOut(), Json.json(), json);
                return 0;
            }
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.println("bundle " + directory);
            out.println("  RKE2       " + manifest.rke2Version() + " (Kubernetes " + manifest.kubernetesVersion() + "), "
                    + manifest.arch().platform());
            out.println("  signer     " + report.signer());
            out.println("  BOM        " + (manifest.bom() == null ? "-" : manifest.bom().name() + " (sha256 " + manifest.bom().sha256() + ")"));
            out.println("  created    " + manifest.createdAt() + " by " + manifest.createdBy());
            out.println("  split size " + manifest.splitSize() + " bytes");
            out.println("components");
            for (BundleManifest.Component component : manifest.components()) {
                String extra = component.appVersion() == null && component.kubeVersion() == null ? ""
                        : " (" + (component.appVersion() == null ? "" : "app " + component.appVersion())
                        + (component.appVersion() != null && component.kubeVersion() != null ? ", " : "")
                        + (component.kubeVersion() == null ? "" : "kubeVersion " + component.kubeVersion()) + ")";
                out.println(String.format(java.util.Locale.ROOT, "  %-14s %s%s", component.name(), component.version(), extra));
            }
            out.println("files (" + manifest.files().size() + ", " + StderrProgress.size(manifest.totalSize()) + ")");
            out.println(String.format(java.util.Locale.ROOT, "  %-20s %10s  %-17s %s", "KIND", "SIZE", "NEEDED BY", "PATH"));
            for (ManifestFile file : manifest.files()) {
                String roles = file.roles().isEmpty() ? "-" : String.join(",", file.roles().stream().map(r -> r.key()).toList());
                if (file.cni() != null) {
                    roles += " (" + file.cni().key() + ")";
                }
                String extra = (file.image() != null ? "  " + file.image() : "")
                        + (file.isSplit() ? "  [" + file.parts().size() + " parts]" : "");
                out.println(String.format(java.util.Locale.ROOT, "  %-20s %10s  %-17s %s%s", file.kind().key(),
                        StderrProgress.size(file.size()), roles, file.path(), extra));
            }
            return 0;
        }
    }

    /** The build time: SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
    static Instant buildTime(CliContext context) {
        return context.environment().get("SOURCE_DATE_EPOCH").map(value -> {
            try {
                return Instant.ofEpochSecond(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                throw SeedException.badInput("SOURCE_DATE_EPOCH=" + value + " is not a number of seconds");
            }
        }).orElseGet(Instant::now);
    }

    @Command(name = "mirror-list", mixinStandardHelpOptions = true,
            description = "Print every file a local mirror for `bundle create --mirror` must hold, with where to get it.")
    static final class MirrorList implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--bom", paramLabel = "FILE", required = true, description = "Bill of materials (bundles/*.yaml).")
        Path bom;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BundlePlan plan = BundlePlan.of(new BomLoader().load(bom).bom());
            List<BundlePlan.PlannedFile> files = plan.files();
            for (BundlePlan.PlannedFile file : files) {
                String from = file.url() != null ? file.url()
                        : "image " + file.image() + " (e.g. skopeo copy docker://" + file.image() + " docker-archive:MIRROR/"
                                + file.mirrorName() + ":" + file.image().replaceAll("@.*$", "") + ")";
                spec.commandLine().getOut().println(file.mirrorName() + "\t" + from
                        + (file.expectedSha256() != null ? "\tsha256:" + file.expectedSha256() : ""));
            }
            return 0;
        }
    }

    /** A passphrase from the environment variable an option names, or null when no variable is named. */
    static Secret passphrase(CliContext context, String variable) {
        if (variable == null) {
            return null;
        }
        String value = context.environment().get(variable).orElseThrow(() -> SeedException.badInput(
                "--passphrase-env " + variable + ": the environment variable " + variable + " is not set"));
        if (value.isEmpty()) {
            throw SeedException.badInput("--passphrase-env " + variable + ": the environment variable " + variable + " is empty");
        }
        return Secret.fromEnv(value, variable);
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the bill-of-materials format (bundles/*.yaml), for editors.")
    static final class Schema implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(BomSchema.json());
            return 0;
        }
    }
}
