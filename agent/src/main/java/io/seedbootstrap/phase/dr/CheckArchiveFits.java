package io.seedbootstrap.phase.dr;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.rke2.Rke2Version;
import io.seedbootstrap.support.SeedException;

/**
 * Before any host is touched: the archive belongs to this inventory's cluster and the verified
 * bundle's RKE2 is not older than the one that wrote the snapshot (contract C: a higher RKE2 may
 * restore a snapshot; an older one is not promised to read it).
 */
public final class CheckArchiveFits implements Phase {
    private final DrArchive.Verified archive;

    public CheckArchiveFits(DrArchive.Verified archive) {
        this.archive = archive;
    }

    @Override
    public String title() {
        return "Check the archive fits the inventory and the bundle";
    }

    @Override
    public void run(RunContext context) {
        DrManifest manifest = archive.manifest();
        String cluster = context.inventory().cluster().name();
        if (!manifest.cluster().equals(cluster)) {
            throw SeedException.badInput(archive.file() + " is a backup of cluster " + manifest.cluster() + ", the inventory describes "
                    + cluster + " (nothing was changed)");
        }
        String bundleVersion = context.state().get(null, VerifyBundle.BUNDLE).manifest().rke2Version();
        if (Rke2Version.compare(bundleVersion, manifest.rke2Version()) < 0) {
            throw SeedException.badInput("the bundle holds RKE2 " + bundleVersion + ", older than the " + manifest.rke2Version()
                    + " the snapshot was taken with; restore with a bundle of " + manifest.rke2Version() + " or newer (contract C; "
                    + "nothing was changed)");
        }
        context.reporter().info(null, "archive of " + manifest.cluster() + " from " + manifest.createdAt() + ", RKE2 "
                + manifest.rke2Version() + ", snapshot " + manifest.snapshot());
    }
}
