package io.seedbootstrap.cli;

import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.ChartArchive;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.registry.ImageArchives;
import io.seedbootstrap.registry.OciCharts;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bundle push}: every image archive of a verified bundle (seed and catalog images) into the
 * site registry, every catalog chart as an OCI Helm chart, then the chart repository and the
 * mirror entries to use.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push every image of a bundle (its images/ and catalog/images/ archives) to the site registry over TLS, and "
                + "every platform catalog chart as an OCI Helm chart under REGISTRY/CHART-REPOSITORY/NAME:VERSION, after verifying "
                + "the bundle against the pinned signing key; print the chart repository (oci://...) and the inventory's "
                + "registries: entries for that mirror.",
            "Credentials come from environment variables (never the command line); without them the push is anonymous. "
                + "Exit 1 when the bundle does not verify or the registry cannot be reached, trusted or logged into."})
final class BundlePushCommand extends BaseCommand {
    static final String DEFAULT_USERNAME_ENV = "SEED_REGISTRY_USERNAME";
    static final String DEFAULT_PASSWORD_ENV = "SEED_REGISTRY_PASSWORD";
    static final String DEFAULT_CHART_REPOSITORY = "charts";

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

    @Option(names = "--chart-repository", paramLabel = "PATH", defaultValue = DEFAULT_CHART_REPOSITORY,
            description = "Repository path in the registry the catalog charts go under (default ${DEFAULT-VALUE}): "
                    + "oci://REGISTRY/PATH is the Helm chart repository.")
    String chartRepository;

    @Option(names = "--threads", paramLabel = "N", description = "Files hashed at once while verifying (default: the number of cores).")
    Integer threads;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        if (!TextFormat.HOST_PORT.matches(registry)) {
            throw SeedException.badInput("--registry " + registry + ": give HOST:PORT (e.g. registry.site.internal:5000)");
        }
        if (!TextFormat.FINGERPRINT.matches(fingerprint)) {
            throw SeedException.badInput("--signing-key-fingerprint \"" + fingerprint + "\" is not " + TextFormat.FINGERPRINT.description());
        }
        if (!OciCharts.isRepositoryPath(chartRepository)) {
            throw SeedException.badInput("--chart-repository " + chartRepository + ": give a registry repository path such as charts or "
                    + "platform/charts (lower-case letters, digits, '.', '_', '-', components separated by '/')");
        }
        String username = context.environment().get(usernameEnv).filter(v -> !v.isEmpty()).orElse(null);
        String password = context.environment().get(passwordEnv).filter(v -> !v.isEmpty()).orElse(null);
        if ((username == null) != (password == null)) {
            throw SeedException.badInput("set both " + usernameEnv + " and " + passwordEnv + " (registry user and password), or neither "
                    + "for an anonymous push");
        }
        PrintWriter err = err();
        RegistryAccess access = RegistryAccess.checked(caFile, username, password == null ? null : Secret.fromEnv(password, passwordEnv), line -> {});

        int workers = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
        BundleVerifier.Report report = new BundleVerifier(workers, new StderrProgress(err))
                .verify(directory, BundleVerifier.Trust.pinned(fingerprint, "--signing-key-fingerprint"));
        VerifiedBundle bundle = report.orThrow();
        List<ManifestFile> images = bundle.manifest().files().stream()
                .filter(f -> (f.kind() == FileKind.IMAGE_ARCHIVE || f.kind() == FileKind.CATALOG_IMAGE) && f.image() != null).toList();
        List<ManifestFile> charts = bundle.manifest().filesOfKind(FileKind.CATALOG_CHART);
        if (images.isEmpty() && charts.isEmpty()) {
            throw SeedException.badInput("bundle " + directory + " holds no image archives and no catalog charts; nothing to push");
        }
        ImageArchives archives = new ImageArchives(access);
        OciCharts ociCharts = new OciCharts(access);
        List<ImageArchives.Pushed> pushed = new ArrayList<>();
        List<PushedCatalogChart> pushedCharts = new ArrayList<>();
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
            for (ManifestFile file : charts) {
                err.println("pushing chart " + file.chart() + " " + file.version() + " (" + file.path() + ")");
                err.flush();
                pushedCharts.add(new PushedCatalogChart(file.component(), pushChart(bundle, file, ociCharts, work)));
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
            json.put("chartRepository", "oci://" + registry + "/" + chartRepository);
            json.put("charts", pushedCharts.stream().map(c -> Map.of("catalog", c.entry(), "chart", c.chart().name(), "version",
                    c.chart().version(), "reference", c.chart().reference(), "digest", c.chart().digest())).toList());
            json.put("inventory", entries);
            printJson(json);
            return 0;
        }
        for (ImageArchives.Pushed p : pushed) {
            err.println("pushed " + p.target() + (p.digestKept() ? "" : " (from a docker-archive: new digest)"));
        }
        for (PushedCatalogChart c : pushedCharts) {
            err.println("pushed chart oci://" + c.chart().reference());
        }
        PrintWriter out = out();
        if (!pushedCharts.isEmpty()) {
            out.println("# " + pushedCharts.size() + " catalog charts pushed; chart repository: oci://" + registry + "/" + chartRepository);
            for (PushedCatalogChart c : pushedCharts) {
                out.println("#   " + c.entry() + ": chart " + c.chart().name() + " version " + c.chart().version() + " ("
                        + c.chart().digest() + ")");
            }
        }
        out.println("# " + pushed.size() + " images pushed to " + registry + ". Add to the inventory (rendered to "
                + "/etc/rancher/rke2/registries.yaml on every node):");
        Output.print(out, io.seedbootstrap.support.Json.yaml(), entries);
        return 0;
    }

    /** A catalog chart pushed, with the catalog entry it belongs to. */
    record PushedCatalogChart(String entry, OciCharts.PushedChart chart) {}

    /** The chart read from the bundle (verified as it streams) into {@code work}, then pushed as Helm does. */
    private OciCharts.PushedChart pushChart(VerifiedBundle bundle, ManifestFile file, OciCharts ociCharts, Path work) {
        Path archive = work.resolve("chart.tgz");
        try {
            try (InputStream in = bundle.open(file)) {
                Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return ociCharts.push(archive, ChartArchive.chartYaml(archive), registry, chartRepository);
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, "bundle push chart " + file.chart() + " " + file.version() + " to " + registry
                    + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(archive);
            } catch (IOException e) {
                // the temporary directory is removed next
            }
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
