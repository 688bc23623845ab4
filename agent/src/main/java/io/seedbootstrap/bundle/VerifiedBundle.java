package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle whose signature, manifest and files {@link BundleVerifier} has checked. What install
 * and restore hold before they touch any host: they check it fits the inventory, then stream
 * its files (split files rejoined and re-verified on the way).
 *
 * <p>{@code directory} is the real path resolved when it was verified. The files on disk may still
 * change afterwards, so whoever reads them checks the manifest's sha256 again: {@link #open}
 * while it streams, uploads by carrying it as the expected content ({@code Upload.expecting}).
 */
public record VerifiedBundle(Path directory, BundleManifest manifest, String signerFingerprint) {

    /**
     * What keeps this bundle from installing the cluster the inventory describes: another RKE2
     * release, another architecture, or no images for the cluster's CNI. Empty when it fits.
     *
     * @param arch the hosts' architecture, or null when not known yet (before facts are gathered)
     * @param archSource who has that architecture, for the message (e.g. "host seed-1")
     */
    public List<String> compatibilityProblems(String rke2Version, Cni cni, Arch arch, String archSource) {
        List<String> problems = new ArrayList<>();
        if (rke2Version != null && !rke2Version.equals(manifest.rke2Version())) {
            problems.add("the bundle holds RKE2 " + manifest.rke2Version() + ", but the inventory asks for " + rke2Version
                    + " (cluster.rke2Version); build a bundle from a BOM for " + rke2Version + " or change cluster.rke2Version");
        }
        if (arch != null && arch != manifest.arch()) {
            problems.add("the bundle is for " + manifest.arch().platform() + ", but " + archSource + " is " + arch.platform()
                    + "; build a bundle for " + arch.key());
        }
        if (cni != null && manifest.files().stream().noneMatch(f -> f.kind() == FileKind.RKE2_IMAGES && f.cni() == cni)
                && !(cni == Cni.CANAL && manifest.file(FileKind.RKE2_IMAGES.directory() + "/rke2-images." + manifest.arch().platform()
                        + ".tar.zst").isPresent())) {
            problems.add("the bundle has no image archive for the " + cni.key() + " CNI (cluster.cni); build it from a BOM that lists "
                    + "rke2-images-" + cni.key() + "." + manifest.arch().platform() + ".tar.zst");
        }
        return problems;
    }

    /** Throws (exit 2) naming every mismatch between this bundle and the inventory. */
    public void requireCompatible(String rke2Version, Cni cni, Arch arch, String archSource) {
        List<String> problems = compatibilityProblems(rke2Version, cni, arch, archSource);
        if (!problems.isEmpty()) {
            throw SeedException.badInput("bundle " + directory + " does not fit the inventory:\n  " + String.join("\n  ", problems));
        }
    }

    /** The content of a file, parts rejoined, every part and the whole re-verified while it streams. */
    public InputStream open(ManifestFile file) throws IOException {
        return BundleReader.open(directory, file);
    }
}
