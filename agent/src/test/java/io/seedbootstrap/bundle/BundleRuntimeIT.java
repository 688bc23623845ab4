package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bundle create --with-runtime} end to end, on the shaded jar (this is an IT: failsafe
 * runs after package, and jdeps + jlink take ~20 s). One bundle, built once, split small so the
 * jar and the runtime archive both travel as parts; its launcher then runs real commands with
 * no Java on PATH, from a directory whose name has spaces.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BundleRuntimeIT {
    /** The tools the launcher needs (sh is run as /bin/sh), and nothing else: no java. */
    private static final List<String> TOOLS = List.of("awk", "cat", "gzip", "tar", "sha256sum", "mktemp", "uname", "mkdir",
            "rm", "mv");
    static final long SPLIT = 16L << 20;

    @TempDir
    static Path shared;

    static Path jar;
    static Path bundle;
    static Path toolsPath;
    static BundleSigningKey key = BundleSigningKey.generate();
    static BundleBuilder.Result result;
    static long buildMillis;

    @BeforeAll
    static void build() throws Exception {
        jar = Path.of("target/seed-bootstrap.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing; run `mvn package` (failsafe runs after it)");
        Path stick = shared.resolve("usb stick");
        Files.createDirectories(stick);
        Path mirror = TestBundles.mirror(stick, TestBundles.rke2Artifacts(shared));
        bundle = stick.resolve("seed bundle");
        long started = System.nanoTime();
        result = new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(TestBundles.loadBom(stick, TestBundles.bom()),
                new LocalMirror(mirror), bundle, key, SPLIT, TestBundles.BUILD_TIME, "seed-bootstrap test",
                new BundleBuilder.WithRuntime(jar, "test")));
        buildMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("bundle create --with-runtime: " + buildMillis + " ms, modules " + result.runtimeModules());
        toolsPath = shared.resolve("tools without java");
        Files.createDirectories(toolsPath);
        for (String tool : TOOLS) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not found"));
            Path wrapper = toolsPath.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec " + found + " \"$@\"\n");
            wrapper.toFile().setExecutable(true);
        }
    }

    @Test
    @Order(1)
    void theManifestListsJarRuntimeAndLauncherAndTheRuntimeKeepsLinksAndExecBits() throws Exception {
        BundleManifest manifest = result.manifest();
        ManifestFile archive = manifest.file(JavaRuntimeImage.ARCHIVE_PATH).orElseThrow();
        ManifestFile jarFile = manifest.file(JavaRuntimeImage.JAR_PATH).orElseThrow();
        ManifestFile launcher = manifest.file(JavaRuntimeImage.LAUNCHER_PATH).orElseThrow();
        assertEquals(FileKind.RUNTIME, archive.kind());
        assertEquals(FileKind.JAR, jarFile.kind());
        assertEquals(FileKind.LAUNCHER, launcher.kind());
        assertTrue(archive.isSplit() && jarFile.isSplit(), "both are over the 16 MiB split size");
        assertEquals(Files.size(jar), jarFile.size());
        assertTrue(result.runtimeModules().containsAll(List.of("java.base", "jdk.crypto.ec")), result.runtimeModules().toString());
        assertTrue(manifest.components().stream().anyMatch(c -> c.name().equals("java-runtime")));

        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (InputStream in = BundleReader.open(bundle, archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextTarEntry()) != null) {
                entries.put(entry.getName(), entry);
            }
        }
        assertTrue(entries.containsKey("bin/java"), entries.keySet().toString());
        assertEquals(0755, entries.get("bin/java").getMode() & 0777);
        assertTrue(entries.values().stream().anyMatch(TarArchiveEntry::isSymbolicLink), "jlink's legal/ links are kept as links");
        assertTrue(entries.containsKey("lib/modules"));
        // the stick itself: regular files only
        try (Stream<Path> walk = Files.walk(bundle)) {
            assertTrue(walk.allMatch(p -> Files.isDirectory(p) || Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        }
    }

    @Test
    @Order(2)
    void theLauncherRunsBundleVerifyWithNoJavaOnPath() throws Exception {
        Run noJava = run(List.of("/bin/sh", "-c", "command -v java"), shared.resolve("home 1"));
        assertNotEquals(0, noJava.code, "java must not be on the launcher's PATH: " + noJava.out);

        Path home = shared.resolve("home 1");
        long started = System.nanoTime();
        Run first = launcher(home, "bundle", "verify", bundle.toString(), "--signing-key-fingerprint", key.fingerprint());
        long firstMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, first.code, first.out + first.err);
        assertTrue(first.out.contains("bundle " + bundle + ": OK, "), first.out);
        assertTrue(first.out.contains("signed by " + key.fingerprint() + " (the pinned key)"), first.out);
        assertTrue(first.err.contains("unpacking the Java runtime"), first.err);
        String sha = result.manifest().file(JavaRuntimeImage.ARCHIVE_PATH).orElseThrow().sha256();
        assertTrue(Files.isRegularFile(home.resolve(".cache/seed-bootstrap/runtime-" + sha + "/bin/java")));

        started = System.nanoTime();
        Run second = launcher(home, "bundle", "verify", bundle.toString(), "--signing-key-fingerprint", key.fingerprint());
        long secondMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, second.code, second.out + second.err);
        assertFalse(second.err.contains("unpacking"), "the runtime is unpacked once: " + second.err);
        System.out.println("launcher bundle verify: first run " + firstMillis + " ms (unpacks), second " + secondMillis + " ms");

        // class data sharing: made once, on the first run, into the cache; mapped by every later start
        assertTrue(first.err.contains("preparing class data sharing"), first.err);
        assertFalse(second.err.contains("class data sharing"), second.err);
        String jarSha = result.manifest().file(JavaRuntimeImage.JAR_PATH).orElseThrow().sha256();
        assertTrue(Files.isRegularFile(home.resolve(".cache/seed-bootstrap/cds-" + sha + "-" + jarSha + ".jsa")));
        // JDK 17 lists no class of a jar whose path has a space (its URL has %20): this home has none
        Path plainHome = shared.resolve("home-cds");
        assertEquals(0, launcher(plainHome, "--version").code);
        Run logged = run(List.of("/bin/sh", bundle.resolve(JavaRuntimeImage.LAUNCHER_PATH).toString(), "--help"), plainHome,
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load"));
        assertEquals(0, logged.code, logged.out + logged.err);
        assertTrue(logged.out.contains("picocli.CommandLine source: shared objects file"), "picocli comes from the archive");
        assertTrue(logged.out.contains("io.seedbootstrap.cli.RootCommand source: shared objects file"), "and our own classes");

        // a damaged archive (bytes changed in its middle) is ignored, not mapped: JDK 17 crashed on it at every start
        Path archive = plainHome.resolve(".cache/seed-bootstrap/cds-" + sha + "-" + jarSha + ".jsa");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(archive.toFile(), "rw")) {
            byte[] junk = new byte[512 << 10];
            new java.util.Random(7).nextBytes(junk);
            file.seek(Math.min(1 << 20, file.length() / 2));
            file.write(junk);
        }
        Run damaged = launcher(plainHome, "--version");
        assertEquals(0, damaged.code, damaged.out + damaged.err);
        assertTrue(damaged.out.startsWith("seed-bootstrap "), damaged.out);

        // another real command: Ed25519 key generation and PBES2 encryption inside the linked runtime
        Run keygen = launcher(home, "bundle", "keygen", "--out", shared.resolve("keys").toString(), "--passphrase-env", "PASS");
        assertEquals(0, keygen.code, keygen.out + keygen.err);
        assertTrue(keygen.out.startsWith("SHA256:"), keygen.out);
    }

    @Test
    @Order(3)
    void theModulesJdepsMissesAreNeeded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> withoutServices = new ArrayList<>(result.runtimeModules());
        withoutServices.removeAll(JavaRuntimeImage.SERVICE_MODULES);
        Run without = run(List.of(java, "--limit-modules", String.join(",", withoutServices), "-jar", jar.toString(), "bundle",
                "verify", bundle.toString(), "--signing-key-fingerprint", key.fingerprint()), shared);
        assertNotEquals(0, without.code, "jdeps' modules alone cannot check an Ed25519 signature: " + without.out + without.err);
        System.out.println("without " + JavaRuntimeImage.SERVICE_MODULES + ": exit " + without.code + ", " + without.err.strip());
        assertTrue(without.err.contains("Ed25519"), without.err);
        Run with = run(List.of(java, "--limit-modules", String.join(",", result.runtimeModules()), "-jar", jar.toString(), "bundle",
                "verify", bundle.toString(), "--signing-key-fingerprint", key.fingerprint()), shared);
        assertEquals(0, with.code, with.out + with.err);
    }

    @Test
    @Order(4)
    void aTamperedRuntimeArchiveIsRefusedBeforeItIsUnpacked() throws Exception {
        ManifestFile archive = result.manifest().file(JavaRuntimeImage.ARCHIVE_PATH).orElseThrow();
        Path part = bundle.resolve(archive.parts().get(1).path());
        TestBundles.flipByte(part, 1000);
        try {
            Path home = shared.resolve("home 2");
            Run run = launcher(home, "bundle", "verify", bundle.toString(), "--signing-key-fingerprint", key.fingerprint());
            assertEquals(1, run.code, run.out + run.err);
            assertTrue(run.err.contains(JavaRuntimeImage.ARCHIVE_PATH + ": sha256 is "), run.err);
            assertTrue(run.err.contains("refusing"), run.err);
            assertFalse(Files.exists(home.resolve(".cache/seed-bootstrap/runtime-" + archive.sha256())), "nothing unpacked");
        } finally {
            TestBundles.flipByte(part, 1000);
        }
    }

    @Test
    @Order(5)
    void aTamperedJarIsRefused() throws Exception {
        ManifestFile jarFile = result.manifest().file(JavaRuntimeImage.JAR_PATH).orElseThrow();
        Path part = bundle.resolve(jarFile.parts().get(0).path());
        TestBundles.flipByte(part, 5000);
        try {
            Run run = launcher(shared.resolve("home 3"), "--version");
            assertEquals(1, run.code, run.out + run.err);
            assertTrue(run.err.contains(JavaRuntimeImage.JAR_PATH + ": sha256 is "), run.err);
        } finally {
            TestBundles.flipByte(part, 5000);
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run launcher(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", bundle.resolve(JavaRuntimeImage.LAUNCHER_PATH).toString()));
        command.addAll(List.of(args));
        return run(command, home);
    }

    /** Runs with an empty environment but PATH (the tools, no java), HOME and PASS, like `env -i`. */
    private static Run run(List<String> command, Path home) throws Exception {
        return run(command, home, Map.of());
    }

    private static Run run(List<String> command, Path home, Map<String, String> extraEnvironment) throws Exception {
        Files.createDirectories(home);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", toolsPath.toString());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("PASS", "correct horse battery staple");
        builder.environment().putAll(extraEnvironment);
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = process.waitFor();
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
