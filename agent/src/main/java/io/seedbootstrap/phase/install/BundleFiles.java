package io.seedbootstrap.phase.install;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Which bundle files a node needs and where they go. A file stored as parts on the stick
 * (docs/formats.md "Removable media rules") is sent as its parts and joined on the host
 * ({@link NodeFiles#upload}).
 */
final class BundleFiles {
    /** Where the release artifacts install.sh reads land (INSTALL_RKE2_ARTIFACT_PATH, contract A.2). */
    static final String ARTIFACTS = NodeSystem.STATE_DIR + "/artifacts/rke2";

    private BundleFiles() {}

    /** One bundle file and its place on a host. */
    record Placement(ManifestFile file, String target, String mode) {
        String describe() {
            return "upload " + file.path() + " (" + mebibytes(file.size()) + ") to " + target;
        }

        /**
         * What the node is sent: the file from {@code bundle}, or its stored parts. Every upload
         * expects the signed manifest's sha256 (of the file, or of each part), so a file changed
         * since VerifyBundle is refused by name and nothing of it is left on the host.
         */
        NodeFiles.Copy copy(VerifiedBundle bundle) {
            List<NodeFiles.Copy.Part> parts = new ArrayList<>();
            if (file.isSplit()) {
                for (ManifestFile.FilePart part : file.storedPieces()) {
                    parts.add(new NodeFiles.Copy.Part(bundle.directory().resolve(part.path()),
                            part.path().substring(part.path().lastIndexOf('/') + 1), part.sha256(), part.size()));
                }
            }
            return new NodeFiles.Copy(bundle.directory().resolve(file.path()), target, mode, file.sha256(), file.size(), parts);
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

    static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
