package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestCodec;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.PhaseRunner;
import io.seedbootstrap.phase.Reporter;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunOptions;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.phase.install.UploadArtifacts;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.testvm.TestMachine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What was verified is what lands on the hosts (issue 21 item 1). install's own phases run up to
 * the upload of the RKE2 artifacts, with one test phase slipped in right after VerifyBundle that
 * changes the bundle on disk: a file rewritten, a part of a split file rewritten, the bundle
 * path (a symlink) re-pointed at a tampered copy. Two hosts, so files go through the relay.
 */
class BundleSwapIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    private static final String ARTIFACTS = "/var/lib/seed-bootstrap/artifacts/rke2";

    @BeforeEach
    void bareHosts() {
        for (TestMachine m : cluster.machines()) {
            m.sh("rm -rf /var/lib/seed-bootstrap").orThrow("clean " + m.name());
        }
    }

    @Test
    void anInstallScriptChangedAfterVerificationIsRefusedByNameAndNeverReachesAHost() throws Exception {
        Path bundle = copyOf(cluster.bundle(), "swap-install-sh");
        SeedException e = assertThrows(SeedException.class, () -> installUpToUploads(bundle, verified ->
                append(verified.resolve("rke2/install.sh"), "\necho owned > /tmp/owned\n")));

        assertEquals(ExitCode.FAILED, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("rke2/install.sh"), e.getMessage());
        assertTrue(e.getMessage().contains("changed after it was verified"), e.getMessage());
        for (TestMachine m : cluster.machines()) {
            assertNothingLanded(m, ARTIFACTS + "/install.sh");
        }
    }

    @Test
    void aPartOfASplitFileChangedAfterVerificationIsRefusedAndTheWholeFileNeverAppears() throws Exception {
        Path bundle = copyOf(cluster.splitBundle(), "swap-part");
        BundleManifest manifest = ManifestCodec.read(Files.readAllBytes(bundle.resolve("manifest.json")));
        var tarball = manifest.files().stream().filter(f -> f.path().equals("rke2/rke2.linux-amd64.tar.gz")).findFirst().orElseThrow();
        assertTrue(tarball.isSplit(), "the split bundle stores the tarball as parts");
        String part = tarball.storedPieces().get(1).path();
        SeedException e = assertThrows(SeedException.class, () -> installUpToUploads(bundle, verified ->
                flipByte(verified.resolve(part))));

        assertEquals(ExitCode.FAILED, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
        String partName = part.substring(part.lastIndexOf('/') + 1);
        for (TestMachine m : cluster.machines()) {
            assertNothingLanded(m, ARTIFACTS + "/rke2.linux-amd64.tar.gz");
            assertFalse(m.sh("test -e /var/lib/seed-bootstrap/artifacts/parts/" + partName).ok(), m.name() + ": the changed part landed");
        }
    }

    @Test
    void aBundlePathRePointedAfterVerificationStillInstallsWhatWasVerified() throws Exception {
        Path verifiedCopy = copyOf(cluster.bundle(), "symlink-a");
        Path tampered = copyOf(cluster.bundle(), "symlink-b");
        append(tampered.resolve("rke2/install.sh"), "\necho owned > /tmp/owned\n");
        Path link = cluster.work().resolve("symlink-current");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, verifiedCopy);

        installUpToUploads(link, verified -> {
            try {
                Files.delete(link);
                Files.createSymbolicLink(link, tampered);
            } catch (java.io.IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
        });

        String verifiedSha = TestBundles.sha256(verifiedCopy.resolve("rke2/install.sh"));
        for (TestMachine m : cluster.machines()) {
            assertEquals(verifiedSha, m.sh("sha256sum < " + ARTIFACTS + "/install.sh | cut -c1-64").stdout().strip(),
                    m.name() + ": the verified install.sh, not the one the link points at now");
        }
    }

    /** The target is absent and the staging area empty: not a byte of the file is left on the host. */
    private static void assertNothingLanded(TestMachine m, String target) {
        assertFalse(m.sh("test -e " + target).ok(), m.name() + ": " + target + " landed");
        assertEquals("", m.sh("ls -A /var/lib/seed-bootstrap/staging 2>/dev/null || true").stdout().strip(),
                m.name() + ": something is left in staging");
    }

    /**
     * install's phases, from VerifyBundle to UploadArtifacts, with {@code afterVerify} run on the
     * bundle directory right after VerifyBundle; the host locks are released at the end as always.
     */
    private static void installUpToUploads(Path bundle, Consumer<Path> afterVerify) throws Exception {
        Path inventoryFile = cluster.inventory("swap-it").write();
        Inventory inventory = new InventoryLoader(Environment.system(), Path.of(System.getProperty("user.home")))
                .loadOrThrow(inventoryFile, LoadOptions.defaults()).inventory();
        ClusterMaterial material = ClusterMaterial.load(inventory.pki().dir());
        String runId = RunOptions.newRunId(java.time.Instant.now(), new java.util.Random());
        HostLock lock = HostLock.forThisProcess(runId, "bundle-swap-it", "install", java.time.Instant.now());
        List<Phase> all = InstallAction.phases(new InstallAction.Request(inventory, bundle,
                BundleVerifier.Trust.pinned(cluster.signingKey().fingerprint(), "test"), material,
                cluster.work().resolve("swap-it.kubeconfig"), SshOptions.defaults(), lock, false, false, 2));
        List<Phase> phases = new ArrayList<>();
        for (Phase phase : all) {
            phases.add(phase);
            if (phase instanceof VerifyBundle) {
                phases.add(new Phase() {
                    @Override
                    public String title() {
                        return "test: change the bundle after its verification";
                    }

                    @Override
                    public void run(RunContext context) {
                        afterVerify.accept(bundle);
                    }
                });
            }
            if (phase instanceof UploadArtifacts) {
                break;
            }
        }
        StringWriter err = new StringWriter();
        try (Reporter reporter = new Reporter(new PrintWriter(err, true), cluster.work().resolve("swap-it.log"), Redactor.none(), false,
                Clock.systemUTC())) {
            RunContext context = new RunContext(new RunOptions(false, null, Duration.ofMinutes(5), runId), inventory,
                    new Hosts(Hosts.Limits.defaults()), reporter);
            new PhaseRunner(Clock.systemUTC()).run(phases, context);
        }
    }

    private static Path copyOf(Path bundle, String name) throws Exception {
        Path copy = cluster.work().resolve(name);
        if (Files.exists(copy)) {
            try (var walk = Files.walk(copy)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (var walk = Files.walk(bundle)) {
            for (Path p : walk.toList()) {
                Path to = copy.resolve(bundle.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void flipByte(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
