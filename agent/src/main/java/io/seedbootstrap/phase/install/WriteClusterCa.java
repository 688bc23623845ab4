package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Map;

/**
 * Contract B.1: the cluster CA set goes to the bootstrap server's server/tls before its first
 * start, so RKE2 uses our CAs instead of generating its own; joining servers get them from the
 * datastore. The files travel as one set on stdin (keys never in argv or logs), keys 0600, the
 * folder 0700. Once etcd holds data the CAs live there and this phase only checks the host's
 * server-ca.crt is ours.
 */
public final class WriteClusterCa implements Phase {
    private final Host bootstrap;
    private final ClusterMaterial material;

    public WriteClusterCa(Host bootstrap, ClusterMaterial material) {
        this.bootstrap = bootstrap;
        this.material = material;
    }

    @Override
    public String title() {
        return "Write the cluster CA set (B.1)";
    }

    @Override
    public void run(RunContext context) {
        NodeFiles files = context.node(bootstrap).files();
        // read holding the lock, by the lock's command when it looked (a converged re-run asks nothing here)
        boolean initialised = TakeLock.existingSeenAtLock(context, bootstrap, List.of(Rke2Paths.ETCD_DATA)).map(e -> !e.isEmpty())
                .orElseGet(() -> files.exists(Rke2Paths.ETCD_DATA));
        if (initialised) {
            boolean another = TakeLock.statesSeenAtLock(context, bootstrap, List.of(CheckClusterCa.SERVER_CA))
                    .map(seen -> CheckClusterCa.differs(seen.get(CheckClusterCa.SERVER_CA), material))
                    .orElseGet(() -> CheckClusterCa.datastoreRunsAnotherCa(files, material));
            if (another) {
                // CheckClusterCa refused this before any change; reaching it means the host changed under us
                throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": its cluster CA changed during this run; re-run");
            }
            context.reporter().debug(bootstrap.name(), "cluster already initialised; its CAs live in the datastore");
            return;
        }
        List<String> paths = material.serverTls().stream().map(f -> Rke2Paths.SERVER_TLS + "/" + f.relativePath()).toList();
        Map<String, NodeFiles.State> present = files.states(paths);
        boolean same = material.serverTls().stream().allMatch(f -> {
            NodeFiles.State state = present.get(Rke2Paths.SERVER_TLS + "/" + f.relativePath());
            return state != null && state.matches(f.content(), f.mode());
        });
        if (same) {
            return;
        }
        List<NodeFiles.NewFile> set = material.serverTls().stream()
                .map(f -> new NodeFiles.NewFile(f.relativePath(), f.content(), f.mode())).toList();
        context.change(bootstrap.name(), "write " + set.size() + " CA files to " + Rke2Paths.SERVER_TLS + " (keys 0600)",
                () -> files.writeAll(Rke2Paths.SERVER_TLS, "0700", set, "the cluster CA files"));
    }
}
