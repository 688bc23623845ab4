package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.cli.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One PKI directory generated through the real `pki init` command (generated site CA, root keys
 * encrypted), once per test JVM: key generation is the slow part, so tests that need an existing
 * PKI start from a copy. Tests never modify the template itself.
 */
final class PkiTemplate {
    static final String PASSPHRASE_VARIABLE = "SEED_TEST_ROOT_PASSPHRASE";
    static final String PASSPHRASE = "correct horse battery staple";
    static final Map<String, String> ENVIRONMENT = Map.of(PASSPHRASE_VARIABLE, PASSPHRASE);

    private static Path work;
    private static CommandRunner.Result init;

    private PkiTemplate() {}

    /** The directory holding inventory.yaml and pki/. */
    static synchronized Path work() {
        if (work == null) {
            try {
                Path directory = Files.createTempDirectory("seed-pki-template");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
                Path inventory = new TestInventory().passphrase(PASSPHRASE_VARIABLE).write(directory);
                init = CommandRunner.run(ENVIRONMENT, directory, "pki", "init", inventory.toString());
                assertEquals(0, init.exitCode(), init.err());
                work = directory;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return work;
    }

    static Path pki() {
        return work().resolve("pki");
    }

    static synchronized CommandRunner.Result initResult() {
        work();
        return init;
    }

    /** Copies the whole PKI directory to {@code target}/pki. */
    static Path copyAll(Path target) throws IOException {
        copy(pki(), target.resolve("pki"));
        return target.resolve("pki");
    }

    /** Copies only the cluster hierarchy (no site CA, no manifest): for tests of the site sources. */
    static Path copyCluster(Path target) throws IOException {
        copy(pki().resolve("cluster"), target.resolve("pki").resolve("cluster"));
        Files.setPosixFilePermissions(target.resolve("pki"), SecureFiles.DIRECTORY);
        return target.resolve("pki");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static void delete(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
