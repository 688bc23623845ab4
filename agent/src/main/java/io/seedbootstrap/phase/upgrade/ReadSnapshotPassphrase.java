package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.support.Secret;
import java.util.function.Supplier;

/**
 * The snapshot archive's passphrase, read (from the environment, or typed) once CheckUpgrade has
 * found a node to upgrade and before the first change: a converged re-run, which takes no
 * snapshot, never asks for it, and a missing or too short one stops the run before anything is
 * touched rather than after the snapshot is saved. Run it under {@link WhenUpgrading}; the
 * supplier is the archive target's own, which keeps what it read.
 */
public final class ReadSnapshotPassphrase implements Phase {
    private final Supplier<Secret> passphrase;

    public ReadSnapshotPassphrase(Supplier<Secret> passphrase) {
        this.passphrase = passphrase;
    }

    @Override
    public String title() {
        return "Read the passphrase of the snapshot archive";
    }

    @Override
    public void run(RunContext context) {
        passphrase.get();
    }
}
