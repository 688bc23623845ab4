package io.seedbootstrap.phase.common;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cluster;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the bundle on the operator's side before any host is contacted: signed by the key the
 * inventory pins, every file's size and sha256, the RKE2 version and CNI the inventory asks for,
 * chart Kubernetes ranges (BundleVerifier), and the RKE2 artifacts against the release's own
 * {@code sha256sum-ARCH.txt} (contract A.2 step 3). A bad bundle costs seconds, not a half-built
 * cluster. The hosts' architecture is checked once facts are known (CheckHosts).
 */
public final class VerifyBundle implements Phase {
    public static final RunState.Key<VerifiedBundle> BUNDLE = RunState.Key.of("bundle", VerifiedBundle.class);

    private final Path directory;
    private final BundleVerifier.Trust trust;
    private final BundleVerifier verifier;

    public VerifyBundle(Path directory, BundleVerifier.Trust trust, BundleVerifier verifier) {
        this.directory = directory;
        this.trust = trust;
        this.verifier = verifier;
    }

    @Override
    public String title() {
        return "Verify the bundle " + directory;
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = verifier.verify(directory, trust).orThrow();
        Cluster cluster = context.inventory().cluster();
        bundle.requireCompatible(cluster.rke2Version(), cluster.cni(), null, null);
        checkReleaseChecksums(bundle);
        context.state().put(null, BUNDLE, bundle);
        context.reporter().info(null, "bundle: RKE2 " + bundle.manifest().rke2Version() + " " + bundle.manifest().arch().platform()
                + ", signed by " + bundle.signerFingerprint());
    }

    /** Every RKE2 artifact the release's checksum file names must have the sha256 it gives (A.2). */
    static void checkReleaseChecksums(VerifiedBundle bundle) {
        List<ManifestFile> sums = bundle.manifest().filesOfKind(FileKind.RKE2_CHECKSUMS);
        if (sums.isEmpty()) {
            throw SeedException.badInput("bundle " + bundle.directory() + " has no sha256sum-" + bundle.manifest().arch().key()
                    + ".txt (contract A.1); rebuild it from a BOM that lists the release's checksum file");
        }
        Map<String, String> expected = new HashMap<>();
        try (InputStream in = bundle.open(sums.get(0))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 2) {
                    expected.put(fields[1].replaceFirst("^\\*", ""), fields[0].toLowerCase(java.util.Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new SeedException(ExitCode.FAILED, "cannot read " + sums.get(0).path() + " from the bundle: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        for (ManifestFile file : bundle.manifest().files()) {
            if (file.kind() != FileKind.RKE2_TARBALL && file.kind() != FileKind.RKE2_IMAGES) {
                continue;
            }
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            String sum = expected.get(name);
            if (sum == null && file.kind() == FileKind.RKE2_TARBALL) {
                problems.add(name + " is not listed in " + sums.get(0).path());
            } else if (sum != null && !sum.equals(file.sha256())) {
                problems.add(name + ": the release's checksum file says " + sum + ", the bundle holds " + file.sha256());
            }
        }
        if (!problems.isEmpty()) {
            throw new SeedException(ExitCode.FAILED, "bundle " + bundle.directory() + " does not match its RKE2 release checksums:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
