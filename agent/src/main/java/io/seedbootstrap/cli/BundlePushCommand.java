package io.seedbootstrap.cli;

import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.registry.ImageArchives;
import io.seedbootstrap.registry.RegistryAccess;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bundle push}: every image archive of a verified bundle into the site registry, then the mirror entries to use. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push every image of a bundle (its images/ archives) to the site registry over TLS, after verifying the "
                + "bundle against the pinned signing key, and print the inventory's registries: entries for that mirror.",
            "Credentials come from environment variables (never the command line); without them the push is anonymous. "
                + "Exit 1 when the bundle does not verify or the registry cannot be reached, trusted or logged into."})
final class BundlePushCommand implements Callable<Integer> {
    static final String DEFAULT_USERNAME_ENV = "SEED_REGISTRY_USERNAME";
    static final String DEFAULT_PASSWORD_ENV = "SEED_REGISTRY_PASSWORD";

    @Parameters(paramLabel = "DIR", description = "The bundle directory.")
    Path directory;

    @Option(names = "--registry", paramLabel = "HOST:PORT", required = true, description = "The site registry (HTTPS).")
    String registry;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "PEM CA certificate(s) that sign the registry's certificate (the site CA); default: the JDK's trusted roots.")
    Path caFile;

    @Option(names = "--signing-key-fingerprint", paramLabel = "SHA256:...", required = true,
            description = "Push only a bundle signed by this key (as `bundle keygen` printed it).")
    String fingerprint;

    @Option(names = "--username-env", paramLabel = "NAME", defaultValue = DEFAULT_USERNAME_ENV,
            description = "Environment variable with the registry user (default ${DEFAULT-VALUE}).")
    String usernameEnv;

    @Option(names = "--password-env", paramLabel = "NAME", defaultValue = DEFAULT_PASSWORD_ENV,
            description = "Environment variable with the registry password (default ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once while verifying (default: the number of cores).")
    Integer threads;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    BundlePushCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (!TextFormat.HOST_PORT.matches(registry)) {
            throw SeedException.badInput("--registry " + registry + ": give HOST:PORT (e.g. registry.site.internal:5000)");
        }
        if (!TextFormat.FINGERPRINT.matches(fingerprint)) {
            throw SeedException.badInput("--signing-key-fingerprint \"" + fingerprint + "\" is not " + TextFormat.FINGERPRINT.description());
        }
        String username = context.environment().get(usernameEnv).filter(v -> !v.isEmpty()).orElse(null);
        String password = context.environment().get(passwordEnv).filter(v -> !v.isEmpty()).orElse(null);
        if ((username == null) != (password == null)) {
            throw SeedException.badInput("set both " + usernameEnv + " and " + passwordEnv + " (registry user and password), or neither "
                    + "for an anonymous push");
        }
        PrintWriter err = spec.commandLine().getErr();
        RegistryAccess access = access(caFile, username, password == null ? null : Secret.fromEnv(password, passwordEnv), line -> {});

        int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
        BundleVerifier.Report report = new BundleVerifier(workers, new StderrProgress(err))
                .verify(directory, BundleVerifier.Trust.pinned(fingerprint, "--signing-key-fingerprint"));
        VerifiedBundle bundle = report.orThrow();
        List<ManifestFile> images = bundle.manifest().files().stream()
                .filter(f -> f.kind() == FileKind.IMAGE_ARCHIVE && f.image() != null).toList();
        if (images.isEmpty()) {
            throw SeedException.badInput("bundle " + directory + " holds no image archives; nothing to push");
        }
        ImageArchives archives = new ImageArchives(access);
        List<ImageArchives.Pushed> pushed = new ArrayList<>();
        Path work;
        try {
            work = Files.createTempDirectory("seed-bootstrap-push");
        } catch (IOException e) {
            throw SeedException.failed("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            for (ManifestFile file : images) {
                err.println("pushing " + file.image() + " (" + file.path() + ")");
                err.flush();
                try (InputStream in = bundle.open(file)) {
                    pushed.add(archives.push(in, file.image(), registry, work));
                } catch (IOException e) {
                    throw new SeedException(ExitCode.FAILED, "bundle push " + file.image() + " to " + registry + " failed: "
                            + e.getMessage(), e);
                }
            }
        } finally {
            try {
                Files.deleteIfExists(work);
            } catch (IOException e) {
                // an empty temporary directory left behind is harmless
            }
        }
        Map<String, Object> entries = registriesEntries(registry, caFile, username != null ? passwordEnv : null, username,
                images.stream().map(ManifestFile::image).toList());
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("registry", registry);
            json.put("pushed", pushed.stream().map(p -> Map.of("image", p.source(), "target", p.target(), "digest", p.digest(),
                    "digestKept", p.digestKept())).toList());
            json.put("inventory", entries);
            InventoryCommand.print(spec.commandLine().getOut(), Json.json(), json);
            return 0;
        }
        for (ImageArchives.Pushed p : pushed) {
            err.println("pushed " + p.target() + (p.digestKept() ? "" : " (from a docker-archive: new digest)"));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("# " + pushed.size() + " images pushed to " + registry + ". Add to the inventory (rendered to "
                + "/etc/rancher/rke2/registries.yaml on every node):");
        InventoryCommand.print(out, io.seedbootstrap.support.Json.yaml(), entries);
        return 0;
    }

    static RegistryAccess access(Path caFile, String username, Secret password, Consumer<String> log) {
        if (caFile != null && !Files.isReadable(caFile)) {
            throw SeedException.badInput("--ca-file " + caFile + ": no such readable file");
        }
        try {
            return new RegistryAccess(caFile, username, password, log);
        } catch (IllegalArgumentException e) {
            throw SeedException.badInput(e.getMessage());
        }
    }

    /** The inventory's registries: section (contract A.6): each source registry mirrored to the site registry. */
    static Map<String, Object> registriesEntries(String registry, Path caFile, String passwordEnv, String username, List<String> images) {
        Map<String, Object> mirrors = new LinkedHashMap<>();
        for (String source : new TreeSet<>(images.stream().map(BundlePushCommand::sourceRegistry).toList())) {
            mirrors.put(source, Map.of("endpoints", List.of("https://" + registry)));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (username != null) {
            config.put("username", username);
            config.put("password", "${" + passwordEnv + "}");
        }
        if (caFile != null) {
            config.put("caFile", caFile.toAbsolutePath().normalize().toString());
        }
        Map<String, Object> registries = new LinkedHashMap<>();
        registries.put("mirrors", mirrors);
        if (!config.isEmpty()) {
            registries.put("configs", Map.of(registry, config));
        }
        return Map.of("registries", registries);
    }

    /** The registry an image name stands for, as containerd keys mirrors: docker.io when the first part is no host. */
    static String sourceRegistry(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }
}
