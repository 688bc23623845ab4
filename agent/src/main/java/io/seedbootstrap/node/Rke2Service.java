package io.seedbootstrap.node;

import java.time.Duration;
import java.util.List;

/**
 * RKE2 on one host: its systemd unit (contract A.4: {@code rke2-server} on servers,
 * {@code rke2-agent} on agents, Type=notify, Restart=always), the release's install.sh (A.2),
 * the {@code rke2} binary under the install prefix the facts found (etcd snapshots and cluster
 * reset, contract C) and its uninstall script.
 */
public interface Rke2Service {

    /** This node's unit: rke2-server or rke2-agent, by its role. */
    String unit();

    /** Whether the unit is active. */
    boolean active();

    /** How {@code systemctl start} ended. */
    record Start(boolean ok, String error) {}

    /** Enables and starts the unit; returns when systemd says it is up (Type=notify) or gave up. */
    Start start(Duration timeout);

    /** Restarts the unit (a changed configuration is read at start); a failure throws. */
    void restart(Duration timeout);

    /** Stops rke2-server, if it runs at all (the cluster reset refuses while it does). */
    void stopServer();

    /** How often systemd restarted the unit since it was started ({@code NRestarts}); -1 when unknown. */
    int restarts();

    /** The last 25 lines of the unit's journal: where RKE2 says why it failed. */
    String journalTail();

    /**
     * The unit's state as {@code systemctl is-active} names it (active, activating, inactive,
     * failed...; "unknown" when systemd cannot tell). Read-only.
     */
    String unitState();

    /** {@code systemctl status} of the unit, as text (read-only; what a support bundle carries). */
    String unitStatus();

    /** The last {@code lines} lines of the unit's journal with their times (read-only). */
    String journal(int lines);

    /**
     * Runs the release's install.sh in artifact-path (tarball) mode (contract A.2) from
     * {@code artifacts}, where the tarball, its checksums and the script are.
     *
     * @param prefix INSTALL_RKE2_TAR_PREFIX: /usr/local, or /opt/rke2 where /usr/local is read-only
     */
    void install(String artifacts, String script, String prefix);

    /** {@code rke2 etcd-snapshot save --name NAME} (contract C). */
    void saveSnapshot(String name, Duration timeout);

    /** One snapshot {@code rke2 etcd-snapshot ls} lists: its name and location (a {@code file://} URL for local ones). */
    record Snapshot(String name, String location) {}

    /**
     * The snapshots RKE2 knows ({@code etcd-snapshot ls --output json}, so a configured
     * etcd-snapshot-dir is honoured).
     *
     * @throws java.io.UncheckedIOException when it printed no JSON
     */
    List<Snapshot> snapshots();

    /** {@code rke2 etcd-snapshot delete NAMES}. */
    void deleteSnapshots(List<String> names);

    /** How {@code rke2 server --cluster-reset} ended: its exit code and combined output. */
    record ClusterReset(int exitCode, String output) {
        /** C: the line RKE2 prints once the snapshot is restored and the membership reset. */
        public boolean restored() {
            return exitCode == 0 && output.contains("Managed etcd cluster membership has been reset");
        }
    }

    /**
     * {@code rke2 server --cluster-reset --cluster-reset-restore-path=FILE} in the foreground
     * (contract C); the token comes from the token file config.yaml names, never from argv.
     */
    ClusterReset clusterReset(String snapshotFile, Duration timeout);

    /** The uninstall script the tarball installed ({@code <prefix>/bin/rke2-uninstall.sh}, A.4). */
    String uninstallScript();

    /** Runs {@link #uninstallScript()}: kills RKE2 and removes its binaries, units and data. */
    void uninstall(Duration timeout);

    /**
     * What the uninstall script does, where it is gone: stops and disables both units, runs
     * rke2-killall.sh when present, removes {@code paths}, reloads systemd.
     */
    void uninstallByHand(List<String> paths, Duration timeout);
}
