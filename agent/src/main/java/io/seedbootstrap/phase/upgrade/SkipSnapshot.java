package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;

/** {@code --no-snapshot}: upgrade without a way back, said loudly where the snapshot would have been taken. */
public final class SkipSnapshot implements Phase {
    @Override
    public String title() {
        return "No etcd snapshot before the upgrade (--no-snapshot)";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !context.state().get(null, UpgradePlan.PLAN).pending().isEmpty();
    }

    @Override
    public void run(RunContext context) {
        context.reporter().warn(null, "NO SNAPSHOT: --no-snapshot was given, so no etcd snapshot is taken before the upgrade. "
                + "If the upgrade breaks the datastore there is no archive of this moment to restore; an older `backup` archive "
                + "is the only way back.");
    }
}
