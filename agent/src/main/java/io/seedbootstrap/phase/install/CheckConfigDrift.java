package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.pki.ClusterMaterial;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;

/**
 * Before any change: a node whose RKE2 already runs with another configuration than the
 * inventory gives is shown as a diff and refused, unless the operator asks for the change
 * (--apply-config-changes); the CNI, the critical values and the tokens never change on a
 * running cluster (contract A.5), flag or not. Read-only.
 */
public final class CheckConfigDrift implements Phase {
    /** Hosts whose running RKE2 gets a new configuration in this run (restarted by RestartReconfiguredNodes). */
    public static final RunState.Key<Boolean> RECONFIGURED = RunState.Key.of("reconfigured", Boolean.class);

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
        return hosts.stream().anyMatch(h -> running(context.state().get(h.name(), GatherFacts.FACTS)));
    }

    private static boolean running(HostFacts facts) {
        return facts.unitActive("rke2-server") || facts.unitActive("rke2-agent");
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            if (!running(context.state().get(host.name(), GatherFacts.FACTS))) {
                return null;
            }
            var remote = context.host(host.name());
            List<NodeFiles.DesiredFile> desired = NodeFiles.desiredFiles(context.inventory(), host, material);
            var present = NodeFiles.present(remote, desired);
            List<NodeFiles.DesiredFile> differing = NodeFiles.differing(remote, desired, present);
            if (differing.isEmpty()) {
                return null;
            }
            String diff = NodeFiles.describe(remote, host, differing, present);
            List<String> forbidden = NodeFiles.forbidden(remote, differing, present);
            if (!applyChanges || !forbidden.isEmpty()) {
                throw new SeedException(ExitCode.UNEXPECTED_STATE, host.name()
                        + ": RKE2 runs here with another configuration than the inventory gives:" + diff
                        + (forbidden.isEmpty()
                                ? "\nRe-run with --apply-config-changes to write it and restart the nodes one at a time, or revert the inventory"
                                : "\n" + String.join("; ", forbidden) + " cannot change on a running cluster (contract A.5); revert the inventory"));
            }
            context.reporter().info(host.name(), "configuration changes (--apply-config-changes):" + diff);
            context.state().put(host.name(), RECONFIGURED, true);
            return null;
        });
    }
}
