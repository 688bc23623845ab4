package io.seedbootstrap.phase;

/**
 * One step of an action (architecture.md "The shape of the engine"). A phase looks at the hosts
 * first and does nothing when they are already converged ({@link #shouldRun}); every change it
 * makes on a host goes through {@link RunContext#change}, which in a dry run records the change
 * instead of making it. Reading from hosts is always allowed, so a dry run runs every phase and
 * the plan it prints is what a real run would do.
 */
public interface Phase {
    /** Shown on stderr as the run progresses, and in the plan. */
    String title();

    /** False when there is nothing to do (the hosts already are as this phase would leave them). */
    default boolean shouldRun(RunContext context) {
        return true;
    }

    void run(RunContext context);

    /**
     * Undoes what must not outlive the run when a later phase fails (a lock, a temporary
     * credential). Called in reverse order for every phase that started, success or not.
     */
    default void cleanUp(RunContext context) {}
}
