package io.seedbootstrap.phase.dr;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.node.Rke2Service;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.time.Duration;

/**
 * Contract C, "Restore to new hosts": the snapshot goes to the bootstrap server (streamed out of
 * the archive, sha256-checked on the host, 0600), then {@code rke2 server --cluster-reset
 * --cluster-reset-restore-path=FILE} runs in the foreground with the original server token from
 * the token-file WriteNodeConfig wrote (never in argv). No server/tls is written: the snapshot
 * and the token bring the CAs back (C, B.1). A marker holding the snapshot's sha256 makes a
 * re-run skip this; a host with other etcd data is refused.
 */
public final class RestoreSnapshot implements Phase {
    static final String DIR = NodeSystem.STATE_DIR + "/restore";
    static final String MARKER = DIR + "/restored-snapshot.sha256";

    private final Host bootstrap;
    private final DrArchive.Verified archive;
    private final Secret passphrase;

    public RestoreSnapshot(Host bootstrap, DrArchive.Verified archive, Secret passphrase) {
        this.bootstrap = bootstrap;
        this.archive = archive;
        this.passphrase = passphrase;
    }

    @Override
    public String title() {
        return "Restore the etcd snapshot on " + bootstrap.name() + " (C, --cluster-reset)";
    }

    /** What the bootstrap server's etcd folder holds, as far as a restore is concerned. */
    enum Datastore { NONE, THIS_SNAPSHOT, OTHER }

    /** Read-only: the marker of an earlier run of this restore tells its datastore from another cluster's. */
    static Datastore datastore(NodeFiles files, DrArchive.Verified archive) {
        if (!files.exists(Rke2Paths.ETCD_DATA)) {
            return Datastore.NONE;
        }
        String marker = files.readIfPresent(MARKER).orElse("").strip();
        return marker.equals(archive.snapshot().sha256()) ? Datastore.THIS_SNAPSHOT : Datastore.OTHER;
    }

    @Override
    public boolean shouldRun(RunContext context) {
        switch (datastore(context.node(bootstrap).files(), archive)) {
            case NONE:
                return true;
            case THIS_SNAPSHOT:
                context.reporter().debug(bootstrap.name(), "this snapshot was restored here before");
                return false;
            default:
                // CheckRestoreTarget refused this before any change; reaching it means the host changed under us
                throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + Rke2Paths.ETCD_DATA
                        + " changed during this run; re-run");
        }
    }

    @Override
    public void run(RunContext context) {
        Node node = context.node(bootstrap);
        DrManifest.Entry snapshot = archive.snapshot();
        String file = DIR + "/" + snapshot.path().substring(snapshot.path().lastIndexOf('/') + 1);
        Duration limit = context.options().waitTimeout().compareTo(Duration.ofHours(1)) > 0 ? context.options().waitTimeout() : Duration.ofHours(1);
        context.change(bootstrap.name(), "upload the etcd snapshot (" + snapshot.size() + " bytes) to " + file + " (0600)", () ->
                node.files().receive(file, snapshot.sha256(), out -> DrArchive.copyEntry(archive, archive.manifest().snapshot(), passphrase, out),
                        "the etcd snapshot " + archive.manifest().snapshot() + " from " + archive.file(), limit));
        context.change(bootstrap.name(), "rke2 server --cluster-reset --cluster-reset-restore-path=" + file + " (token from "
                + Rke2Paths.TOKEN_FILE + ")", () -> {
                    // C: the reset refuses while the server runs
                    node.rke2().stopServer();
                    Rke2Service.ClusterReset reset = node.rke2().clusterReset(file, context.options().waitTimeout());
                    if (!reset.restored()) {
                        String tail = String.join("\n", reset.output().strip().lines().skip(Math.max(0, reset.output().lines().count() - 8)).toList());
                        throw new SeedException(ExitCode.FAILED, bootstrap.name() + ": the snapshot was not restored (exit " + reset.exitCode()
                                + "):\n" + tail.indent(2).stripTrailing() + "\nA refusal about the token means the archive's server token "
                                + "does not decrypt this snapshot (contract C).");
                    }
                    node.files().write(MARKER, snapshot.sha256() + "\n", "0644");
                    node.files().remove(file);
                });
        context.reporter().info(bootstrap.name(), "snapshot " + snapshot.path() + " restored; " + node.rke2().unit() + " starts on it next");
    }
}
