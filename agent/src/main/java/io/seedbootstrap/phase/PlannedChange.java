package io.seedbootstrap.phase;

/**
 * A change on one host: what a dry run would do, or what a real run did. The description
 * names what changes ("write /etc/rancher/rke2/config.yaml (0600)") and never holds a secret.
 */
public record PlannedChange(String host, String phase, String description, Status status) {
    public enum Status {
        /** Recorded by a dry run; nothing was changed. */
        PLANNED,
        /** Made by a real run. */
        DONE,
        /** Attempted by a real run and failed. */
        FAILED
    }
}
