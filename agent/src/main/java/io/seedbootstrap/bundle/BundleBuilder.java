package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.BundlePlan.PlannedFile;
import io.seedbootstrap.bundle.bom.BomCatalogEntry;
import io.seedbootstrap.bundle.bom.BomImage;
import io.seedbootstrap.bundle.bom.BomLoader;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.format.KubeVersionRange;
import io.seedbootstrap.bundle.format.SemVer;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestCodec;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.bundle.manifest.SignatureFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.pki.signing.Signatures;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code bundle create}: fetches every file a BOM names, checks charts against the RKE2 version,
 * copies (streamed, hashed, split for FAT32), checks every hash the BOM or the RKE2 release pins,
 * then writes manifest.json and its signature — last, so an interrupted build is never a
 * signed bundle.
 */
public final class BundleBuilder {
    /** HelmChart chartContent lives base64'd in a ConfigMap (1 MiB limit, contract D): 780,000 bytes leave headroom. */
    public static final long MAX_CHART_BYTES = 780_000;
    /** The FAT32 file size limit. */
    public static final long DEFAULT_SPLIT_SIZE = 4L * 1024 * 1024 * 1024 - 1;

    private final Progress progress;
    private final int threads;

    /** Copies as many files at once as there are cores (hashing, not the disk, bounds a copy). */
    public BundleBuilder(Progress progress) {
        this(progress, java.lang.Runtime.getRuntime().availableProcessors());
    }

    /** @param threads how many files to copy (and hash) at once */
    public BundleBuilder(Progress progress, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.progress = progress;
        this.threads = threads;
    }

    /** Everything a build needs; {@code createdBy} names the tool version, {@code createdAt} the build time. */
    /** {@code chunkSize}: pieces larger than this carry per-chunk sha256s (BundleManifest.DEFAULT_CHUNK_SIZE). */
    public record Request(BomLoader.LoadedBom bom, ArtifactSource source, Path out, BundleSigningKey signingKey, long splitSize,
            Instant createdAt, String createdBy, WithRuntime runtime, long chunkSize) {
        public Request(BomLoader.LoadedBom bom, ArtifactSource source, Path out, BundleSigningKey signingKey, long splitSize,
                Instant createdAt, String createdBy, WithRuntime runtime) {
            this(bom, source, out, signingKey, splitSize, createdAt, createdBy, runtime, BundleManifest.DEFAULT_CHUNK_SIZE);
        }

        public Request(BomLoader.LoadedBom bom, ArtifactSource source, Path out, BundleSigningKey signingKey, long splitSize,
                Instant createdAt, String createdBy) {
            this(bom, source, out, signingKey, splitSize, createdAt, createdBy, null);
        }

        public Request withChunkSize(long size) {
            return new Request(bom, source, out, signingKey, splitSize, createdAt, createdBy, runtime, size);
        }
    }

    /**
     * {@code --with-runtime}: this seed-bootstrap jar, and a Java runtime for it linked from the
     * running JDK with the modules jdeps finds in the jar (plus those reached by service loading).
     */
    public record WithRuntime(Path jar, String version) {}

    /** {@code runtimeModules}: the modules of the Java runtime (--with-runtime), else empty. */
    public record Result(Path out, BundleManifest manifest, String signerFingerprint, Duration elapsed, List<String> runtimeModules) {}

    public Result build(Request request) {
        long started = System.nanoTime();
        if (request.splitSize() < 1) {
            throw SeedException.badInput("--split-size must be at least 1 byte");
        }
        if (request.chunkSize() < BundleManifest.CHUNK_UNIT || request.chunkSize() > BundleManifest.MAX_CHUNK_SIZE
                || request.chunkSize() % BundleManifest.CHUNK_UNIT != 0) {
            throw new IllegalArgumentException("chunk size must be a whole number of MiB up to 1 GiB: " + request.chunkSize());
        }
        BundlePlan plan = BundlePlan.of(request.bom().bom());
        refuseUnpinnedCatalogImages(request.bom());
        Map<PlannedFile, Path> sources = locateAll(plan, request.source());
        Map<String, ChartArchive.ChartInfo> charts = checkCharts(plan, sources, request.bom());
        Path runtimeWork = request.runtime() == null ? null : makeRuntime(request, plan);
        try {
            prepareOutput(request.out());
            return build(request, plan, sources, charts, runtimeWork, started);
        } finally {
            if (runtimeWork != null) {
                deleteTree(runtimeWork);
            }
        }
    }

    private Result build(Request request, BundlePlan plan, Map<PlannedFile, Path> sources, Map<String, ChartArchive.ChartInfo> charts,
            Path runtimeWork, long started) {

        List<String> problems = new ArrayList<>();
        List<ManifestFile> files = new ArrayList<>();
        Map<PlannedFile, Path> runtimeFiles = new LinkedHashMap<>();
        if (runtimeWork != null) {
            String tool = request.runtime().version();
            runtimeFiles.put(new PlannedFile(JavaRuntimeImage.JAR_PATH, null, FileKind.JAR, "seed-bootstrap", tool, null, null, null,
                    null, null), request.runtime().jar());
            runtimeFiles.put(new PlannedFile(JavaRuntimeImage.ARCHIVE_PATH, null, FileKind.RUNTIME, "java-runtime", javaVersion(), null,
                    null, null, null, null), runtimeWork.resolve("runtime.tar.gz"));
            runtimeFiles.put(new PlannedFile(JavaRuntimeImage.LAUNCHER_PATH, null, FileKind.LAUNCHER, "seed-bootstrap", tool, null, null,
                    null, null, null), runtimeWork.resolve("seed-bootstrap.sh"));
        }
        long total = sources.values().stream().mapToLong(BundleBuilder::sizeOf).sum() + sizeOf(request.bom().file())
                + runtimeFiles.values().stream().mapToLong(BundleBuilder::sizeOf).sum();
        Map<PlannedFile, Path> jobs = new LinkedHashMap<>();
        for (PlannedFile planned : plan.files()) {
            jobs.put(planned, sources.get(planned));
        }
        jobs.put(new PlannedFile(plan.bomPath(), null, FileKind.BOM, null, null, null, null, null, null, request.bom().sha256()),
                request.bom().file());
        jobs.putAll(runtimeFiles);
        progress.begin("copying", total, jobs.size());
        try (BackgroundFlusher flusher = new BackgroundFlusher()) {
            copyAll(jobs, request, charts, files, problems, flusher);
            flusher.awaitAll(request.out());
        } catch (IOException e) {
            throw SeedException.failed("cannot write " + request.out() + " to disk: " + e.getMessage() + "; " + request.out()
                    + " holds no manifest and is not a bundle (delete it)", e);
        } finally {
            progress.end();
        }
        problems.addAll(checkAgainstReleaseChecksums(request.out(), files));
        if (!problems.isEmpty()) {
            throw new SeedException(ExitCode.FAILED, "bundle create failed; " + request.out() + " holds no manifest and is not a bundle "
                    + "(delete it):\n  " + String.join("\n  ", problems));
        }
        files.sort(Comparator.comparing(ManifestFile::path));
        List<BundleManifest.Component> components = plan.components().stream()
                .map(c -> charts.containsKey(c.name())
                        ? new BundleManifest.Component(c.name(), c.version(), c.appVersion(), charts.get(c.name()).kubeVersion())
                        : c)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        if (runtimeWork != null) {
            components.add(new BundleManifest.Component("seed-bootstrap", request.runtime().version(), null, null));
            components.add(new BundleManifest.Component("java-runtime", javaVersion(), null, null));
        }
        BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT,
                request.createdAt().truncatedTo(ChronoUnit.SECONDS).toString(), request.createdBy(),
                new BundleManifest.BomRef(plan.bomName(), request.bom().sha256()), plan.rke2Version(),
                request.bom().kubernetesVersion().toString(), plan.arch(), request.splitSize(), request.chunkSize(), components, files);
        writeSigned(request.out(), manifest, request.signingKey());
        List<String> modules;
        try {
            modules = runtimeWork == null ? List.of() : List.of(Files.readString(runtimeWork.resolve("modules.txt")).split(","));
        } catch (IOException e) {
            throw SeedException.failed("cannot read " + runtimeWork.resolve("modules.txt") + ": " + e.getMessage(), e);
        }
        return new Result(request.out(), manifest, request.signingKey().fingerprint(), Duration.ofNanos(System.nanoTime() - started),
                modules);
    }

    /**
     * jdeps on the jar being shipped (at create time, so the module list never goes stale), jlink
     * from the running JDK, packed into WORK/runtime.tar.gz; the launcher into WORK/seed-bootstrap.sh.
     * Done before anything is copied: a JDK without jlink fails in seconds, not after gigabytes.
     */
    private Path makeRuntime(Request request, BundlePlan plan) {
        JavaRuntimeImage.requireLinuxX64();
        if (plan.arch() != Arch.AMD64) {
            throw SeedException.badInput("--with-runtime carries a linux-x64 Java runtime, but the bundle is for " + plan.arch().platform()
                    + "; the seed nodes that run it are x86-64");
        }
        Path jar = request.runtime().jar();
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
            throw SeedException.badInput(jar + " is not a jar file; --with-runtime needs the seed-bootstrap jar (--runtime-jar FILE)");
        }
        Path work;
        try {
            work = Files.createTempDirectory("seed-bootstrap-runtime");
        } catch (IOException e) {
            throw SeedException.failed("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            List<String> modules = JavaRuntimeImage.modules(jar);
            JavaRuntimeImage.link(modules, work.resolve("image"));
            JavaRuntimeImage.pack(work.resolve("image"), work.resolve("runtime.tar.gz"), request.createdAt());
            Files.writeString(work.resolve("modules.txt"), String.join(",", modules));
            Files.write(work.resolve("seed-bootstrap.sh"), JavaRuntimeImage.launcher());
            deleteTree(work.resolve("image"));
            return work;
        } catch (IOException | RuntimeException e) {
            deleteTree(work);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw SeedException.failed("cannot pack the Java runtime: " + e.getMessage(), e);
        }
    }

    private static String javaVersion() {
        return System.getProperty("java.runtime.version", System.getProperty("java.version"));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing the build for
        }
    }

    private Map<PlannedFile, Path> locateAll(BundlePlan plan, ArtifactSource source) {
        Map<PlannedFile, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (PlannedFile file : plan.files()) {
            Optional<Path> path;
            try {
                path = source.locate(file);
            } catch (IOException e) {
                throw SeedException.failed("cannot get " + file.mirrorName() + ": " + e.getMessage(), e);
            }
            if (path.isPresent()) {
                found.put(file, path.get());
            } else {
                missing.add(source.describe(file) + (file.image() != null ? " (image " + file.image() + ")"
                        : file.url() != null ? " (from " + file.url() + ")" : ""));
            }
        }
        if (!missing.isEmpty()) {
            throw SeedException.badInput(missing.size() + (missing.size() == 1 ? " file" : " files") + " the BOM names "
                    + (missing.size() == 1 ? "is" : "are") + " missing:\n  " + String.join("\n  ", missing)
                    + "\n(`seed-bootstrap bundle mirror-list --bom FILE` prints every name a mirror needs)");
        }
        return found;
    }

    /**
     * Catalog images reach clusters by digest (docs/formats.md "The platform catalog"): the BOM may
     * write digest: null until scripts/refresh-bom.sh pins it, but no bundle is built from that.
     */
    private static void refuseUnpinnedCatalogImages(BomLoader.LoadedBom bom) {
        List<String> unpinned = new ArrayList<>();
        List<BomCatalogEntry> catalog = bom.bom().catalogEntries();
        for (int i = 0; i < catalog.size(); i++) {
            for (BomImage image : catalog.get(i).images()) {
                if (image.digest() == null) {
                    unpinned.add("catalog[" + i + "] (" + catalog.get(i).name() + "): image " + image.ref() + " has digest: null");
                }
            }
        }
        if (!unpinned.isEmpty()) {
            throw SeedException.badInput(bom.file() + ": catalog images are pulled and pushed by digest, and "
                    + (unpinned.size() == 1 ? "this one has" : "these have") + " none yet:\n  " + String.join("\n  ", unpinned)
                    + "\nrun scripts/refresh-bom.sh " + bom.file() + " (online) to pin them, or write each digest: sha256:...");
        }
    }

    /**
     * Reads each chart archive's own Chart.yaml before anything is copied: name and version must
     * be the BOM's, its kubeVersion must admit the RKE2 release's Kubernetes version (contract
     * E.4), and the archive must fit a HelmChart's chartContent (contract D).
     */
    private Map<String, ChartArchive.ChartInfo> checkCharts(BundlePlan plan, Map<PlannedFile, Path> sources, BomLoader.LoadedBom bom) {
        Map<String, ChartArchive.ChartInfo> infos = new HashMap<>();
        List<String> problems = new ArrayList<>();
        SemVer kubernetes = bom.kubernetesVersion();
        for (PlannedFile file : plan.files()) {
            if (file.kind() != FileKind.CHART && file.kind() != FileKind.CATALOG_CHART) {
                continue;
            }
            Path path = sources.get(file);
            String declared = file.kind() == FileKind.CHART
                    ? bom.bom().charts().stream().filter(c -> c.name().equals(file.chart())).findFirst().map(c -> c.kubeVersion()).orElse(null)
                    : bom.bom().catalogEntry(file.component()).map(e -> e.chart().kubeVersion()).orElse(null);
            ChartArchive.ChartInfo info;
            try {
                info = ChartArchive.read(path);
            } catch (IOException e) {
                problems.add(file.mirrorName() + ": not a readable Helm chart archive (" + e.getMessage() + ")");
                continue;
            }
            infos.put(file.component(), info);
            if (!file.chart().equals(info.name()) || !file.version().equals(info.version())) {
                problems.add(file.mirrorName() + ": the archive holds chart " + info.name() + " " + info.version() + ", the BOM names "
                        + file.chart() + " " + file.version());
            }
            if (declared != null && !declared.equals(info.kubeVersion())) {
                problems.add(file.mirrorName() + ": Chart.yaml says kubeVersion " + quoted(info.kubeVersion()) + ", the BOM says \""
                        + declared + "\"; correct the BOM (scripts/refresh-bom.sh reads it from the chart)");
            }
            if (info.kubeVersion() != null) {
                Optional<KubeVersionRange> range = KubeVersionRange.tryParse(info.kubeVersion());
                if (range.isEmpty()) {
                    problems.add(file.mirrorName() + ": Chart.yaml's kubeVersion \"" + info.kubeVersion() + "\" is not a version range");
                } else if (!range.get().admits(kubernetes)) {
                    problems.add(file.mirrorName() + ": " + BomLoader.notAdmitted(info.name(), info.version(), info.kubeVersion(),
                            kubernetes, plan.rke2Version()));
                }
            }
            long size = sizeOf(path);
            // catalog charts go to the site registry, not into a HelmChart's chartContent: no such limit
            if (file.kind() == FileKind.CHART && size > MAX_CHART_BYTES) {
                problems.add(file.mirrorName() + ": " + size + " bytes; a chart archive travels base64-encoded in a HelmChart's "
                        + "chartContent, whose ConfigMap holds at most 1 MiB (contract D), so it must be at most " + MAX_CHART_BYTES + " bytes");
            }
        }
        if (!problems.isEmpty()) {
            throw SeedException.badInput("the charts do not fit this bundle:\n  " + String.join("\n  ", problems));
        }
        return infos;
    }

    /**
     * Copies every file on up to {@code threads} threads, largest first; each finished file goes
     * to the flusher; the first failure stops the others and is thrown.
     */
    private void copyAll(Map<PlannedFile, Path> jobs, Request request, Map<String, ChartArchive.ChartInfo> charts,
            List<ManifestFile> files, List<String> problems, BackgroundFlusher flusher) {
        List<Map.Entry<PlannedFile, Path>> ordered = new ArrayList<>(jobs.entrySet());
        ordered.sort(Comparator.comparingLong((Map.Entry<PlannedFile, Path> e) -> sizeOf(e.getValue())).reversed());
        java.util.concurrent.ConcurrentLinkedQueue<Map.Entry<PlannedFile, Path>> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(ordered);
        List<ManifestFile> copied = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> found = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, Math.max(1, ordered.size())); t++) {
            Thread worker = new Thread(() -> {
                try (SplittingCopier copier = new SplittingCopier(request.splitSize(), request.chunkSize(), progress)) {
                    Map.Entry<PlannedFile, Path> job;
                    while (failure.get() == null && (job = queue.poll()) != null) {
                        try {
                            copyOne(copier, job.getKey(), job.getValue(), request, charts, copied, found, flusher);
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        } catch (Error e) { // a dead worker must not leave a file out of the manifest unnoticed
                            failure.compareAndSet(null, SeedException.failed("cannot copy " + job.getValue() + ": " + e, e));
                        }
                    }
                }
            }, "bundle-create-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, new SeedException(ExitCode.INTERRUPTED, "bundle create interrupted"));
            workers.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        files.addAll(copied);
        List<String> sorted = new ArrayList<>(found);
        java.util.Collections.sort(sorted);
        problems.addAll(sorted);
    }

    private void copyOne(SplittingCopier copier, PlannedFile planned, Path source, Request request,
            Map<String, ChartArchive.ChartInfo> charts, List<ManifestFile> files, List<String> problems, BackgroundFlusher flusher) {
        SplittingCopier.Copied copied;
        try {
            copied = copier.copy(source, request.out(), planned.bundlePath());
            if (copied.parts().isEmpty()) {
                flusher.flush(request.out().resolve(planned.bundlePath()));
            } else {
                copied.parts().forEach(part -> flusher.flush(request.out().resolve(part.path())));
            }
        } catch (IOException e) {
            throw SeedException.failed("cannot copy " + source + " into " + request.out() + ": " + e.getMessage()
                    + "; " + request.out() + " holds no manifest and is not a bundle (delete it)", e);
        }
        if (planned.expectedSha256() != null && !planned.expectedSha256().equals(copied.sha256())) {
            problems.add(source + ": sha256 is " + copied.sha256() + " but the BOM pins " + planned.expectedSha256()
                    + "; this is not the file the BOM names (download it again)");
        }
        ChartArchive.ChartInfo chart = planned.chart() == null ? null : charts.get(planned.component());
        files.add(new ManifestFile(planned.bundlePath(), copied.size(), copied.sha256(), planned.kind(), planned.component(),
                planned.version(), planned.roles(), planned.cni(), planned.image(), planned.chart(),
                chart == null ? null : chart.kubeVersion(), planned.url(), copied.parts(), copied.chunks()));
    }

    /**
     * The RKE2 release's own sha256sum-ARCH.txt must agree with what was copied: install.sh
     * refuses a tarball it does not list, and a mismatch means a mixed-up mirror.
     */
    private static List<String> checkAgainstReleaseChecksums(Path out, List<ManifestFile> files) {
        Optional<ManifestFile> checksums = files.stream().filter(f -> f.kind() == FileKind.RKE2_CHECKSUMS).findFirst();
        if (checksums.isEmpty() || checksums.get().isSplit() || checksums.get().size() > 1 << 20) {
            return List.of();
        }
        Map<String, String> listed = new HashMap<>();
        try {
            for (String line : Files.readAllLines(out.resolve(checksums.get().path()), StandardCharsets.UTF_8)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 2) {
                    String name = fields[1].startsWith("*") ? fields[1].substring(1) : fields[1];
                    listed.put(name.substring(name.lastIndexOf('/') + 1), fields[0].toLowerCase(java.util.Locale.ROOT));
                }
            }
        } catch (IOException e) {
            return List.of(checksums.get().path() + ": cannot read (" + e.getMessage() + ")");
        }
        List<String> problems = new ArrayList<>();
        String checksumName = checksums.get().path().substring(checksums.get().path().lastIndexOf('/') + 1);
        for (ManifestFile file : files) {
            if (file.kind() != FileKind.RKE2_TARBALL && file.kind() != FileKind.RKE2_IMAGES) {
                continue;
            }
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            String expected = listed.get(name);
            if (expected == null && file.kind() == FileKind.RKE2_TARBALL) {
                problems.add(name + ": not listed in " + checksumName + "; install.sh refuses a tarball its checksum file does not list");
            } else if (expected != null && !expected.equals(file.sha256())) {
                problems.add(name + ": sha256 is " + file.sha256() + " but the release's " + checksumName + " says " + expected
                        + "; the mirror mixes files of different releases or holds a damaged download");
            }
        }
        return problems;
    }

    private static void writeSigned(Path out, BundleManifest manifest, BundleSigningKey key) {
        byte[] bytes = ManifestCodec.write(manifest);

        byte[] signature = Signatures.sign(key.privateKey(), bytes);

        SignatureFile file = new SignatureFile(SignatureFile.FORMAT, Signatures.ALGORITHM,
                Base64.getEncoder().encodeToString(key.publicKey().getEncoded()), Base64.getEncoder().encodeToString(signature));
        try {
            Files.write(out.resolve(SignatureFile.MANIFEST), bytes);
            Files.write(out.resolve(SignatureFile.SIGNATURE), ManifestCodec.writeSignature(file));

            BackgroundFlusher.force(out.resolve(SignatureFile.MANIFEST));
            BackgroundFlusher.force(out.resolve(SignatureFile.SIGNATURE));
            BackgroundFlusher.force(out);
        } catch (IOException e) {
            throw SeedException.failed("cannot write the manifest into " + out + ": " + e.getMessage(), e);
        }
    }

    private static void prepareOutput(Path out) {
        try {
            if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                    throw SeedException.badInput(out + " exists and is not a directory; give a new directory for the bundle");
                }
                try (Stream<Path> entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw SeedException.badInput(out + " is not empty; a bundle is written once into a new or empty directory");
                    }
                }
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw SeedException.failed("cannot create " + out + ": " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw SeedException.failed("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static String quoted(String text) {
        return text == null ? "(none)" : "\"" + text + "\"";
    }
}
