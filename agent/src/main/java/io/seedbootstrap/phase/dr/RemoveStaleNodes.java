package io.seedbootstrap.phase.dr;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.NodeStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Contract C: "Delete stale Node objects afterwards". Nodes the restored datastore knows but the
 * inventory does not name are the machines that were lost; deleting them also drops their etcd
 * membership and node-password secret. A dry run on new machines has no API to ask yet: it plans
 * the deletions from the Node names the archive recorded at backup time.
 */
public final class RemoveStaleNodes implements Phase {
    private final Host bootstrap;
    private final List<String> nodesAtBackup;

    /** @param nodesAtBackup the archive's Node names, null when the archive does not record them */
    public RemoveStaleNodes(Host bootstrap, List<String> nodesAtBackup) {
        this.bootstrap = bootstrap;
        this.nodesAtBackup = nodesAtBackup == null ? null : List.copyOf(nodesAtBackup);
    }

    @Override
    public String title() {
        return "Remove the Node objects of machines no longer in the inventory (C)";
    }

    @Override
    public void run(RunContext context) {
        Kubectl kubectl = context.node(bootstrap).kubectl();
        Set<String> wanted = context.inventory().hosts().stream().map(Host::effectiveNodeName).collect(Collectors.toSet());
        Optional<List<NodeStatus>> live = kubectl.nodes();
        List<String> nodes;
        if (live.isPresent()) {
            nodes = live.get().stream().map(NodeStatus::name).toList();
        } else if (context.dryRun() && nodesAtBackup != null) {
            nodes = nodesAtBackup;
        } else {
            if (context.dryRun()) {
                context.reporter().warn(bootstrap.name(), "the archive does not record the old Node names (written by an older "
                        + "seed-bootstrap): the Node objects of machines no longer in the inventory are deleted, but cannot be listed here");
            }
            return;
        }
        for (String node : nodes) {
            if (!wanted.contains(node)) {
                context.change(bootstrap.name(), "delete node " + node + " (not in the inventory)", () ->
                        kubectl.delete("node", null, node));
            }
        }
    }
}
