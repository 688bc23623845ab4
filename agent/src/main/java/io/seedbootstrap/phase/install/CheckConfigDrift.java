package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Map;

/**
 * Before any change: a node that already joined a cluster (its RKE2 runs, or it left a node
 * password or etcd data behind: stopped, failed or crash-looping counts too) and has another
 * configuration than the inventory gives is shown as a diff and refused, unless the operator
 * asks for the change (--apply-config-changes); the CNI, the critical values and the tokens never
 * change on such a node (contract A.5), flag or not. Read-only: it compares with what the facts
 * command looked at ({@link #look}: sha256 and mode of every file WriteNodeConfig would write, and
 * the node password and etcd data), as fresh as the facts; WriteNodeConfig reads them again
 * holding the host lock before it writes.
 */
public final class CheckConfigDrift implements Phase {
    /** Hosts whose running RKE2 gets a new configuration in this run (restarted by RestartReconfiguredNodes). */
    public static final RunState.Key<Boolean> RECONFIGURED = RunState.Key.of("reconfigured", Boolean.class);
    /** Hosts that already belong to a cluster (WriteNodeConfig never changes their config unasked). */
    public static final RunState.Key<Boolean> INITIALISED = RunState.Key.of("initialised", Boolean.class);
    /** A.4/B.1: left by a node's first registration, and by a server's first start. */
    private static final String NODE_PASSWORD = "/etc/rancher/node/password";
    /** Either left behind means the node joined a cluster once. */
    private static final List<String> LEFT_BY_A_CLUSTER = List.of(NODE_PASSWORD, Rke2Paths.ETCD_DATA);

    private final List<Host> hosts;
    private final ClusterMaterial material;
    private final boolean applyChanges;

    public CheckConfigDrift(List<Host> hosts, ClusterMaterial material, boolean applyChanges) {
        this.hosts = List.copyOf(hosts);
        this.material = material;
        this.applyChanges = applyChanges;
    }

    @Override
    public String title() {
        return "Compare running nodes with the inventory";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return hosts.stream().anyMatch(h -> context.state().get(h.name(), GatherFacts.FACTS).rke2Installed());
    }

    /**
     * What {@link #run} reads on {@code host}, for the facts command to look at (GatherFacts#LOOKED):
     * the node's RKE2 files and what a joined node leaves behind.
     */
    public static NodeProbes.Look look(Inventory inventory, Host host, ClusterMaterial material) {
        return new NodeProbes.Look(DesiredFiles.paths(DesiredFiles.of(inventory, host, material)), LEFT_BY_A_CLUSTER);
    }

    private static boolean initialised(RunContext context, Host host) {
        HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
        if (facts.unitActive("rke2-server") || facts.unitActive("rke2-agent")) {
            return true;
        }
        return facts.rke2Installed() && !GatherFacts.lookedExisting(context, host, LEFT_BY_A_CLUSTER)
                .orElseGet(() -> context.node(host).files().existing(LEFT_BY_A_CLUSTER)).isEmpty();
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            if (!initialised(context, host)) {
                return null;
            }
            context.state().put(host.name(), INITIALISED, true);
            NodeFiles files = context.node(host).files();
            List<DesiredFiles.DesiredFile> desired = DesiredFiles.of(context.inventory(), host, material);
            var present = GatherFacts.lookedStates(context, host, DesiredFiles.paths(desired)).orElseGet(() -> DesiredFiles.present(files, desired));
            List<DesiredFiles.DesiredFile> differing = DesiredFiles.differing(desired, present);
            if (differing.isEmpty()) {
                return null;
            }
            Map<String, String> current = DesiredFiles.currentTexts(files, differing, present);
            String diff = DesiredFiles.describe(differing, present, current);
            List<String> forbidden = DesiredFiles.forbidden(differing, present, current);
            if (!applyChanges || !forbidden.isEmpty()) {
                throw new SeedException(ExitCode.UNEXPECTED_STATE, host.name()
                        + ": RKE2 here already belongs to a cluster and has another configuration than the inventory gives:" + diff
                        + (forbidden.isEmpty()
                                ? "\nRe-run with --apply-config-changes to write it and restart the nodes one at a time, or revert the inventory"
                                : "\n" + String.join("; ", forbidden) + " cannot change on a running cluster (contract A.5); revert the inventory (nothing was changed)"));
            }
            context.reporter().info(host.name(), "configuration changes (--apply-config-changes):" + diff);
            context.state().put(host.name(), RECONFIGURED, true);
            return null;
        });
    }
}
