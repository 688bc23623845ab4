package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Before any change: a bootstrap server whose datastore already exists must run on the PKI
 * directory's cluster CA (B.1: the CAs live in the datastore once the first server started), or
 * every join with the PKI's token would fail. Read-only: what the facts command looked at
 * ({@link #look}: the datastore folder and server-ca.crt's sha256, as fresh as the facts), else it asks.
 */
public final class CheckClusterCa implements Phase {
    static final String SERVER_CA = Rke2Paths.SERVER_TLS + "/server-ca.crt";

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

    /** What {@link #run} reads, for the facts command to look at (GatherFacts#LOOKED): the datastore and its CA. */
    public static NodeProbes.Look look(Host bootstrap, Host host) {
        return host.equals(bootstrap) ? new NodeProbes.Look(List.of(SERVER_CA), List.of(Rke2Paths.ETCD_DATA)) : NodeProbes.Look.NOTHING;
    }

    @Override
    public void run(RunContext context) {
        Optional<List<String>> datastore = GatherFacts.lookedExisting(context, bootstrap, List.of(Rke2Paths.ETCD_DATA));
        Optional<Map<String, NodeFiles.State>> ca = GatherFacts.lookedStates(context, bootstrap, List.of(SERVER_CA));
        boolean another = datastore.isPresent() && ca.isPresent()
                ? !datastore.get().isEmpty() && differs(ca.get().get(SERVER_CA), material)
                : runsAnotherCa(context.node(bootstrap).files(), material);
        if (another) {
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
        return differs(files.state(SERVER_CA).orElse(null), material);
    }

    /** The host's server-ca.crt ({@code theirs}, null when missing) is not the PKI's. */
    static boolean differs(NodeFiles.State theirs, ClusterMaterial material) {
        var ours = material.file("server-ca.crt").map(f -> NodeFiles.sha256(f.content()));
        return theirs != null && ours.isPresent() && !theirs.sha256().equals(ours.get());
    }
}
