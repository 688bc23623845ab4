package io.seedbootstrap.phase.dr;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;

/**
 * Before any change: the bootstrap server must hold no datastore, or exactly the one an earlier
 * run of this restore left (its marker names the archive's snapshot). Anything else is another
 * cluster's data, which a restore must never overwrite. Read-only.
 */
public record CheckRestoreTarget(Host bootstrap, DrArchive.Verified archive) implements Phase {

    @Override
    public String title() {
        return "Check " + bootstrap.name() + " holds no other datastore";
    }

    @Override
    public void run(RunContext context) {
        if (RestoreSnapshot.datastore(context.node(bootstrap).files(), archive) == RestoreSnapshot.Datastore.OTHER) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + Rke2Paths.ETCD_DATA + " already holds another "
                    + "datastore; restore onto new machines, or `seed-bootstrap reset` this one first (nothing was changed)");
        }
    }
}
