package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;

/**
 * Before any change: a bootstrap server whose datastore already exists must run on the PKI
 * directory's cluster CA (B.1: the CAs live in the datastore once the first server started), or
 * every join with the PKI's token would fail. Read-only.
 */
public final class CheckClusterCa implements Phase {
    private final Host bootstrap;
    private final ClusterMaterial material;

    public CheckClusterCa(Host bootstrap, ClusterMaterial material) {
        this.bootstrap = bootstrap;
        this.material = material;
    }

    @Override
    public String title() {
        return "Check an existing cluster runs on the PKI's CA";
    }

    @Override
    public void run(RunContext context) {
        if (runsAnotherCa(context.node(bootstrap).files(), material)) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": the cluster on this host was created with another "
                    + "CA than the PKI directory's cluster/server/tls/server-ca.crt; point pki.dir at that cluster's PKI, or reset the "
                    + "host first (nothing was changed)");
        }
    }

    /** The host's datastore exists and its server-ca.crt is not the PKI's (read-only; WriteClusterCa asks again). */
    static boolean runsAnotherCa(NodeFiles files, ClusterMaterial material) {
        return files.exists(Rke2Paths.ETCD_DATA) && datastoreRunsAnotherCa(files, material);
    }

    /** As {@link #runsAnotherCa}, for a host whose datastore is known to exist (one command fewer). */
    static boolean datastoreRunsAnotherCa(NodeFiles files, ClusterMaterial material) {
        var theirs = files.state(Rke2Paths.SERVER_TLS + "/server-ca.crt");
        var ours = material.file("server-ca.crt").map(f -> NodeFiles.sha256(f.content()));
        return theirs.isPresent() && ours.isPresent() && !theirs.get().sha256().equals(ours.get());
    }
}
