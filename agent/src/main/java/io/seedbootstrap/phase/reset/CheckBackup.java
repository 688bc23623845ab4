package io.seedbootstrap.phase.reset;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Uninstalling deletes the local snapshots (contract C: they live under the data dir), so reset
 * first reads the operator's latest DR archive through (backup verify): it must be whole, of this
 * cluster, and younger than the allowed age. Operator side only; runs before any connection.
 */
public record CheckBackup(Path archive, Secret passphrase, Duration maxAge) implements Phase {

    @Override
    public String title() {
        return "Check the backup " + archive;
    }

    @Override
    public void run(RunContext context) {
        DrArchive.Verified verified = DrArchive.check(archive, passphrase);
        String cluster = context.inventory().cluster().name();
        if (!verified.manifest().cluster().equals(cluster)) {
            throw SeedException.badInput(archive + " is a backup of " + verified.manifest().cluster() + ", not of " + cluster
                    + "; nothing was changed");
        }
        Duration age = Duration.between(Instant.parse(verified.manifest().createdAt()), Instant.now());
        if (age.compareTo(maxAge) > 0) {
            throw SeedException.badInput(archive + " was made " + age.toHours() + " h ago, more than --max-backup-age " + maxAge.toHours()
                    + " h; run `seed-bootstrap backup` first (or --no-backup to reset without one); nothing was changed");
        }
        context.reporter().info(null, "backup " + archive + " of " + verified.manifest().createdAt() + " is whole and restorable");
    }
}
