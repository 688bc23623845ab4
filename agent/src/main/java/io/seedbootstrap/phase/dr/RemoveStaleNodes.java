package io.seedbootstrap.phase.dr;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.install.Rke2Service;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Contract C: "Delete stale Node objects afterwards". Nodes the restored datastore knows but the
 * inventory does not name are the machines that were lost; deleting them also drops their etcd
 * membership and node-password secret.
 */
public final class RemoveStaleNodes implements Phase {
    private final Host bootstrap;

    public RemoveStaleNodes(Host bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public String title() {
        return "Remove the Node objects of machines no longer in the inventory (C)";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !context.dryRun();
    }

    @Override
    public void run(RunContext context) {
        var remote = context.host(bootstrap.name());
        Set<String> wanted = context.inventory().hosts().stream().map(Host::effectiveNodeName).collect(Collectors.toSet());
        List<NodeStatus> nodes = Rke2Service.nodes(remote).orElse(List.of());
        for (NodeStatus node : nodes) {
            if (!wanted.contains(node.name())) {
                context.change(bootstrap.name(), "delete node " + node.name() + " (not in the inventory)", () ->
                        remote.exec(RemoteCommand.shell(Rke2Paths.kubectl("delete node " + quote(node.name()))).asRoot()));
            }
        }
    }
}
