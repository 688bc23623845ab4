package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.ArtifactSources;
import io.seedbootstrap.bundle.BundleBuilder;
import io.seedbootstrap.bundle.bom.BomLoader;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bundle create}: a signed offline bundle from a bill of materials. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Build a signed offline bundle from a bill of materials, from a local mirror directory and/or downloads.",
            "Every file is copied streamed and hashed, checked against the BOM's sha256 (when it has one) and the RKE2 "
                + "release's sha256sum file; charts are checked against the RKE2 version; files over the split size become "
                + "numbered parts (FAT32). manifest.json and manifest.json.sig are written last."})
final class BundleCreateCommand extends BaseCommand {
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

    @Override
    public Integer call() throws Exception {
        BomLoader.LoadedBom loaded = new BomLoader().load(bom);
        ArtifactSources.Downloads downloads = null;
        if (download) {
            java.io.PrintWriter err = err();
            downloads = new ArtifactSources.Downloads(cache != null ? cache : context.home().resolve(".cache/seed-bootstrap/downloads"),
                    context.environment(), registryCaFile, line -> {
                        err.println(line);
                        err.flush();
                    });
        }
        ArtifactSources sources = ArtifactSources.forBuild(mirror, downloads, loaded.bom().rke2().arch());
        if (!download && registryCaFile != null) {
            throw usage("--registry-ca-file goes with --download");
        }
        if (sources.isEmpty()) {
            throw usage("give --mirror DIR, --download, or both");
        }
        if (runtimeJar != null && !withRuntime) {
            throw usage("--runtime-jar goes with --with-runtime");
        }
        BundleSigningKey key = BundleSigningKey.read(signingKey, BundleCommand.passphrase(context, passphraseEnv));
        String createdBy = new VersionProvider().getVersion()[0];
        BundleBuilder.WithRuntime runtime = null;
        if (withRuntime) {
            Path jar = runtimeJar != null ? runtimeJar : runningJar().orElseThrow(() -> SeedException.badInput(
                    "--with-runtime: this seed-bootstrap does not run from a jar; give the jar to carry with --runtime-jar FILE"));
            String version = createdBy.replaceFirst("^seed-bootstrap ", "");
            runtime = new BundleBuilder.WithRuntime(jar, version);
            err().println("--with-runtime: jdeps and jlink on " + jar + " (takes a few seconds)");
            err().flush();
        }
        BundleBuilder.Request request = new BundleBuilder.Request(loaded, sources, out,
                key, splitSize, buildTime(context), createdBy, runtime);
        int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
        BundleBuilder.Result result = new BundleBuilder(new StderrProgress(err()), workers).build(request);
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
            printJson(summary);
        } else {
            long split = manifest.files().stream().filter(ManifestFile::isSplit).count();
            int parts = manifest.files().stream().mapToInt(f -> f.parts().size()).sum();
            out().println("bundle " + out + ": RKE2 " + manifest.rke2Version() + " " + manifest.arch().platform()
                    + ", " + manifest.files().size() + " files, " + StderrProgress.size(manifest.totalSize())
                    + (split > 0 ? " (" + split + " split into " + parts + " parts)" : ""));
            out().println("signed by " + result.signerFingerprint());
            if (!result.runtimeModules().isEmpty()) {
                out().println("with a Java runtime (" + String.join(",", result.runtimeModules())
                        + "); without Java: sh " + out.resolve(io.seedbootstrap.bundle.JavaRuntimeImage.LAUNCHER_PATH) + " ARGS...");
            }
        }
        return 0;
    }

    /** The jar this seed-bootstrap runs from, if it runs from one (not from target/classes). */
    private static java.util.Optional<Path> runningJar() {
        try {
            java.security.CodeSource source = BundleCreateCommand.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return java.util.Optional.empty();
            }
            Path path = Path.of(source.getLocation().toURI());
            return java.nio.file.Files.isRegularFile(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return java.util.Optional.empty();
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
}
