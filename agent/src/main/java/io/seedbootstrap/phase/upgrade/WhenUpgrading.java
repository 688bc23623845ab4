package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;

/**
 * Another action's phase that upgrade runs only while some node still needs the upgrade (the
 * etcd snapshot and its archive before the first node moves): a converged re-run makes no
 * snapshot and so no change.
 */
public final class WhenUpgrading implements Phase {
    private final Phase phase;

    public WhenUpgrading(Phase phase) {
        this.phase = phase;
    }

    /** The wrapped phase. */
    public Phase phase() {
        return phase;
    }

    @Override
    public String title() {
        return phase.title();
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !context.state().get(null, UpgradePlan.PLAN).pending().isEmpty() && phase.shouldRun(context);
    }

    @Override
    public void run(RunContext context) {
        phase.run(context);
    }

    @Override
    public void cleanUp(RunContext context) {
        phase.cleanUp(context);
    }
}
