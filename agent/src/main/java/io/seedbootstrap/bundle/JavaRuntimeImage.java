package io.seedbootstrap.bundle;

import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The Java runtime {@code bundle create --with-runtime} puts on the stick: the modules the jar
 * needs (jdeps, at create time, on the very jar being shipped, plus {@link #SERVICE_MODULES}),
 * linked by jlink from the running JDK, packed as a tar.gz that keeps the image's exec bits and
 * symbolic links inside the archive (the stick itself holds regular files only).
 */
public final class JavaRuntimeImage {
    /** Where the runtime archive, the jar and the launcher go in a bundle. */
    public static final String ARCHIVE_PATH = "runtime/java-runtime-linux-x64.tar.gz";
    public static final String JAR_PATH = "runtime/seed-bootstrap.jar";
    public static final String LAUNCHER_PATH = "seed-bootstrap.sh";
    /** The launcher script, a resource of this jar (docs/formats.md "The launcher"). */
    public static final String LAUNCHER_RESOURCE = "/io/seedbootstrap/bundle/seed-bootstrap.sh";

    /**
     * Modules jdeps cannot see because they are reached only through service loading:
     * jdk.crypto.ec holds JDK 17's SunEC provider, i.e. Ed25519 (bundle signatures, keygen) and
     * EC keys (PKI, ECDHE in TLS and SSH). Without it `bundle verify` fails (BundleRuntimeIT
     * proves both directions). Nothing else is needed: no zip file systems (jdk.zipfs), only
     * standard charsets (java.base), no PKCS#11 (jdk.crypto.cryptoki).
     */
    public static final List<String> SERVICE_MODULES = List.of("jdk.crypto.ec");

    private JavaRuntimeImage() {}

    /** jdeps' answer for the jar, union {@link #SERVICE_MODULES}, sorted. */
    public static List<String> modules(Path jar) {
        String output = run("jdeps", "--print-module-deps", "--ignore-missing-deps", "--multi-release",
                String.valueOf(Runtime.version().feature()), jar.toString());
        Set<String> modules = new TreeSet<>();
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        for (String module : last.split(",")) {
            if (!module.isBlank()) {
                if (!module.strip().matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
                    throw SeedException.failed("jdeps printed \"" + output.strip() + "\", not a module list", null);
                }
                modules.add(module.strip());
            }
        }
        if (!modules.contains("java.base")) {
            throw SeedException.failed("jdeps printed \"" + output.strip() + "\", which lacks java.base", null);
        }
        modules.addAll(SERVICE_MODULES);
        return List.copyOf(modules);
    }

    /** Links a runtime image with these modules into {@code out} (which must not exist) from the running JDK's jmods. */
    public static void link(List<String> modules, Path out) {
        Path jmods = Path.of(System.getProperty("java.home"), "jmods");
        List<String> args = new ArrayList<>(List.of("--strip-debug", "--no-header-files", "--no-man-pages",
                Runtime.version().feature() >= 21 ? "--compress=zip-6" : "--compress=2",
                "--add-modules", String.join(",", modules), "--output", out.toString()));
        if (Files.isDirectory(jmods)) {
            args.addAll(0, List.of("--module-path", jmods.toString()));
        } else if (Runtime.version().feature() < 24) {
            throw SeedException.badInput("--with-runtime: " + jmods + " does not exist; jlink links from the JDK's jmods "
                    + "(install the package of this JDK that holds jmods/, on Debian 12 openjdk-" + Runtime.version().feature()
                    + "-jdk-headless, or use a JDK that ships them, such as Temurin)");
        }
        run("jlink", args.toArray(String[]::new));
    }

    /** The running platform, which is what jlink links for. */
    public static void requireLinuxX64() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!"Linux".equals(os) || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            throw SeedException.badInput("--with-runtime links the running JDK's own platform, which is " + os + " " + arch
                    + "; seed nodes are linux-x64, so run bundle create on a Linux x86-64 JDK");
        }
    }

    /**
     * Packs a runtime image into a tar.gz: entries sorted, owner 0, the given modification time
     * (reproducible), permission bits kept, symbolic links stored as links.
     */
    public static void pack(Path image, Path archive, Instant modified) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(image)) {
            entries = walk.filter(p -> !p.equals(image)).sorted().toList();
        }
        GzipParameters gzip = new GzipParameters();
        gzip.setCompressionLevel(6);
        gzip.setModificationTime(modified.toEpochMilli());
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file, gzip))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path path : entries) {
                String name = image.relativize(path).toString().replace(java.io.File.separatorChar, '/');
                TarArchiveEntry entry;
                boolean regular = false;
                if (Files.isSymbolicLink(path)) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                    entry.setMode(0120777);
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name + "/");
                    entry.setMode(040000 | mode(path));
                } else {
                    entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(path));
                    regular = true;
                    entry.setMode(0100000 | mode(path));
                }
                entry.setModTime(modified.toEpochMilli());
                entry.setIds(0, 0);
                entry.setNames("root", "root");
                tar.putArchiveEntry(entry);
                if (regular) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    private static int mode(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if (permissions.contains(permission)) {
                mode |= 0400 >> permission.ordinal();
            }
        }
        return mode;
    }

    /** The launcher script's text (the same in every bundle; it reads the hashes from manifest.json). */
    public static byte[] launcher() {
        try (var in = JavaRuntimeImage.class.getResourceAsStream(LAUNCHER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(LAUNCHER_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + LAUNCHER_RESOURCE, e);
        }
    }

    private static String run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> SeedException.badInput(
                "--with-runtime needs a full JDK 17+ (" + tool + ", jlink and the jmods); this Java ("
                        + System.getProperty("java.home") + ") has no " + tool + " (a runtime made by jlink never has)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = provider.run(o, e, args);
        }
        if (code != 0) {
            throw SeedException.failed(tool + " " + String.join(" ", Arrays.asList(args)) + " failed (exit " + code + "):\n"
                    + (out.toString() + err).strip(), null);
        }
        return out.toString();
    }
}
