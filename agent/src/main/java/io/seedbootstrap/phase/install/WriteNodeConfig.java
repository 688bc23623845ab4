package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;

/**
 * Everything RKE2 reads at its first start, per node (contract A.4–A.7, A.9): the join token
 * files (0600; servers also get the agent token), config.yaml (0600, no secret in it),
 * registries.yaml and the registry CAs, the PodSecurity config with the seed apps' exemptions
 * under {@code profile: cis}, and the CNI's HelmChartConfig in the bootstrap server's manifests
 * folder. Only files whose content differs are written; on a node that already runs only what
 * CheckConfigDrift let through (--apply-config-changes), restarted later one at a time.
 */
public final class WriteNodeConfig implements Phase {
    private final List<Host> hosts;
    private final ClusterMaterial material;

    public WriteNodeConfig(List<Host> hosts, ClusterMaterial material) {
        this.hosts = List.copyOf(hosts);
        this.material = material;
    }

    /** What {@link #run} reads on {@code host}, for the command that takes its lock to look at (TakeLock#statesSeenAtLock). */
    public static NodeProbes.Look look(Inventory inventory, Host host, ClusterMaterial material) {
        return new NodeProbes.Look(DesiredFiles.paths(DesiredFiles.of(inventory, host, material)), List.of());
    }

    @Override
    public String title() {
        return "Write the RKE2 configuration";
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            NodeFiles files = context.node(host).files();
            List<DesiredFiles.DesiredFile> desired = DesiredFiles.of(context.inventory(), host, material);
            List<DesiredFiles.DesiredFile> differing = DesiredFiles.differing(desired, TakeLock.statesSeenAtLock(context, host,
                    DesiredFiles.paths(desired)).orElseGet(() -> DesiredFiles.present(files, desired)));
            boolean initialised = context.state().find(host.name(), CheckConfigDrift.INITIALISED).orElse(false);
            if (initialised && !differing.isEmpty() && !context.state().find(host.name(), CheckConfigDrift.RECONFIGURED).orElse(false)) {
                // CheckConfigDrift refuses this before any change; reaching here means the host changed under us
                throw new SeedException(ExitCode.UNEXPECTED_STATE, host.name() + ": its RKE2 configuration changed during this run; re-run");
            }
            for (DesiredFiles.DesiredFile file : differing) {
                context.change(host.name(), "write " + file, () -> files.write(file.path(), file.content(), file.mode()));
            }
            return differing.size();
        });
    }
}
