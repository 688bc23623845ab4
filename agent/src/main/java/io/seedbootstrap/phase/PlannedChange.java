package io.seedbootstrap.phase;

/**
 * A change on one host: what a dry run would do, or what a real run did. The description
 * names what changes ("write /etc/rancher/rke2/config.yaml (0600)") and never holds a secret.
 * {@code lasting} is false for the run's own bookkeeping (the host lock), which a run undoes
 * before it ends: a converged cluster's re-run has no lasting changes.
 */
public record PlannedChange(String host, String phase, String description, Status status, boolean lasting) {
    public enum Status {
        /** Recorded by a dry run; nothing was changed. */
        PLANNED,
        /** Made by a real run. */
        DONE,
        /** Attempted by a real run and failed. */
        FAILED
    }
}
