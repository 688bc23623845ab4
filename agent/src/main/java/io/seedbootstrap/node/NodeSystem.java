package io.seedbootstrap.node;

import io.seedbootstrap.ssh.StagedFiles;
import java.util.List;
import java.util.Optional;

/**
 * The host itself, beyond RKE2: the CIS profile's prerequisites (contract A.9), our state folder
 * and host lock (docs/formats.md "On-host state"), relay credentials earlier runs left, and the
 * host's clock.
 */
public interface NodeSystem {
    /** Our state on every host (0700): the lock, staging/, artifacts/. */
    String STATE_DIR = StagedFiles.STATE_DIR;
    /** The host lock: who runs against this host now. */
    String LOCK_FILE = STATE_DIR + "/lock";

    /** The OS family the facts name (what differs between them is there). */
    OsFamily osFamily();

    /** A.9: the {@code etcd} user and group exist. */
    boolean hasEtcdUser();

    /** A.9: creates the {@code etcd} system group and user (no home, no login) where missing. */
    void createEtcdUser();

    /**
     * Applies the files under /etc/sysctl.d now (A.9: {@code systemctl restart systemd-sysctl}).
     *
     * @return empty when applied; else why not (where the unit is masked, as in containers, they apply at boot)
     */
    Optional<String> applySysctls();

    /** The host's clock, epoch seconds. */
    long clock();

    /** The lock file's content, empty when there is none. */
    Optional<String> readLock();

    /**
     * Creates the lock file with {@code content}, atomically and only when there is none (its
     * folder 0700, the file 0600).
     *
     * @return empty when created; else the content of the lock that is there
     */
    Optional<String> createLock(String content);

    /** What {@link #createLock(String, NodeProbes.Look)} did: who holds the lock, or what its look saw holding it. */
    record LockAttempt(Optional<String> heldBy, Optional<NodeProbes.Seen> seen) {}

    /**
     * {@link #createLock(String)} that, when it takes the lock, also looks at {@code look}'s paths
     * in the same command, holding the lock (read-only, as {@link NodeFiles#states} and
     * {@link NodeFiles#existing} would): the phases after the lock then need no command of their
     * own to read them (issue 22, P3). No seen when the lock was held or the look did not finish.
     */
    default LockAttempt createLock(String content, NodeProbes.Look look) {
        return new LockAttempt(createLock(content), Optional.empty());
    }

    /** Replaces the lock file, whoever holds it. */
    void replaceLock(String content);

    /** Removes the lock file only when it has the line {@code ownerLine}. */
    void removeLock(String ownerLine);

    /** The runs other than {@code runId} whose relay credentials are on the host, sorted (read-only). */
    List<String> relayLeftovers(String runId);

    /** Removes every relay credential on the host that is not of run {@code runId}. */
    void removeRelayLeftovers(String runId);
}
