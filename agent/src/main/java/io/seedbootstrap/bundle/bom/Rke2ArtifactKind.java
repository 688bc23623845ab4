package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bundle.format.FileKind;

/** The kinds of RKE2 release artifact a BOM names (contract A.1). */
public enum Rke2ArtifactKind {
    /** rke2.linux-ARCH.tar.gz */
    TARBALL(FileKind.RKE2_TARBALL),
    /** sha256sum-ARCH.txt */
    CHECKSUMS(FileKind.RKE2_CHECKSUMS),
    /** install.sh */
    INSTALL_SCRIPT(FileKind.RKE2_INSTALL_SCRIPT),
    /** rke2-images*.linux-ARCH.tar.zst (or .tar.gz) */
    IMAGES(FileKind.RKE2_IMAGES);

    private final FileKind fileKind;

    Rke2ArtifactKind(FileKind fileKind) {
        this.fileKind = fileKind;
    }

    public FileKind fileKind() {
        return fileKind;
    }
}
