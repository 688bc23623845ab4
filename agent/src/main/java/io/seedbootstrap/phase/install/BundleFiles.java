package io.seedbootstrap.phase.install;

import io.seedbootstrap.ssh.StagedFiles;
import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.Upload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Which bundle files a node needs and where they go, and how a file stored as parts on the
 * stick (docs/formats.md "Removable media rules") reaches a host whole: each part is uploaded
 * (verified, resumable), then joined on the host, checked against the whole file's sha256 and
 * renamed into place.
 */
final class BundleFiles {
    /** Where the release artifacts install.sh reads land (INSTALL_RKE2_ARTIFACT_PATH, contract A.2). */
    static final String ARTIFACTS = StagedFiles.STATE_DIR + "/artifacts/rke2";
    private static final String PARTS = StagedFiles.STATE_DIR + "/artifacts/parts";

    private BundleFiles() {}

    /** One bundle file and its place on a host. */
    record Placement(ManifestFile file, String target, String mode) {
        String describe() {
            return "upload " + file.path() + " (" + mebibytes(file.size()) + ") to " + target;
        }
    }

    /**
     * Every node: the tarball, its checksums and install.sh into {@link #ARTIFACTS}; the image
     * archives straight into agent/images (A.3) — core plus the cluster's CNI, which install.sh
     * itself would skip when the full archive is absent (A.2 step 6 gotcha).
     */
    static List<Placement> rke2Files(BundleManifest manifest, Cni cni) {
        List<Placement> placements = new ArrayList<>();
        for (ManifestFile file : manifest.files()) {
            switch (file.kind()) {
                case RKE2_TARBALL, RKE2_CHECKSUMS, RKE2_INSTALL_SCRIPT ->
                        placements.add(new Placement(file, ARTIFACTS + "/" + name(file), "0644"));
                default -> { }
            }
        }
        for (ManifestFile file : rke2Images(manifest, cni)) {
            placements.add(new Placement(file, Rke2Paths.AGENT_IMAGES + "/" + name(file), "0644"));
        }
        return placements;
    }

    /**
     * A.1: core plus the CNI's own archive; the legacy full archive (core + canal) only when a
     * canal cluster's bundle has no split canal archive. Archives of other CNIs are left out.
     */
    static List<ManifestFile> rke2Images(BundleManifest manifest, Cni cni) {
        String full = "rke2-images." + manifest.arch().platform() + ".tar";
        List<ManifestFile> images = manifest.filesOfKind(FileKind.RKE2_IMAGES);
        boolean split = images.stream().anyMatch(f -> f.cni() == cni);
        List<ManifestFile> chosen = new ArrayList<>();
        for (ManifestFile file : images) {
            boolean isFull = name(file).startsWith(full);
            if (isFull) {
                if (cni == Cni.CANAL && !split) {
                    chosen.add(file);
                }
            } else if (file.cni() == null || file.cni() == cni) {
                chosen.add(file);
            }
        }
        return chosen;
    }

    static String name(ManifestFile file) {
        return file.path().substring(file.path().lastIndexOf('/') + 1);
    }

    /**
     * Puts one bundle file on a host: streamed and verified, parts joined and re-verified there.
     * Every upload expects the signed manifest's sha256 (of the file, or of each part), so a file
     * changed since VerifyBundle is refused by name and nothing of it is left on the host.
     */
    static void upload(RemoteHost host, VerifiedBundle bundle, Placement placement, Semaphore gate) {
        ManifestFile file = placement.file();
        if (!file.isSplit()) {
            host.upload(Upload.of(bundle.directory().resolve(file.path()), placement.target()).mode(placement.mode()).gate(gate)
                    .retryFor(Duration.ofMinutes(10)).expecting(file.sha256(), file.size()));
            return;
        }
        List<String> parts = new ArrayList<>();
        for (ManifestFile.FilePart part : file.storedPieces()) {
            String partTarget = PARTS + "/" + part.path().substring(part.path().lastIndexOf('/') + 1);
            host.upload(Upload.of(bundle.directory().resolve(part.path()), partTarget).mode("0600").gate(gate)
                    .retryFor(Duration.ofMinutes(10)).expecting(part.sha256(), part.size()));
            parts.add(quote(partTarget));
        }
        String dir = placement.target().substring(0, placement.target().lastIndexOf('/'));
        // a hidden name beside the target: same file system for the rename, and not an archive RKE2 would import
        String temp = dir + "/." + name(file) + ".seed-bootstrap-partial";
        String script = "set -e; umask 077; mkdir -p " + quote(dir) + "; cat " + String.join(" ", parts) + " > " + quote(temp) + "\n"
                + "sum=$(sha256sum < " + quote(temp) + " | cut -c1-64)\n"
                + "if [ \"$sum\" != " + quote(file.sha256()) + " ]; then rm -f " + quote(temp) + "; echo \"joined parts have sha256 $sum\" >&2; exit 65; fi\n"
                + "chmod " + placement.mode() + " " + quote(temp) + "; mv -f " + quote(temp) + " " + quote(placement.target())
                + "; rm -f " + String.join(" ", parts);
        host.exec(RemoteCommand.shell(script, "join " + parts.size() + " parts into " + placement.target()).asRoot());
    }

    static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
