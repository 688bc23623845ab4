package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.rke2.NodeStatus;
import java.util.List;

/**
 * Reads the nodes as the cluster sees them, for the summary (read-only; empty in a dry run of a new
 * cluster): a list read earlier in the run serves when nothing has changed since ({@link ClusterNodes}).
 */
public final class CollectStatus implements Phase {
    /** The node list, published under the run-wide slot. */
    public record Nodes(List<NodeStatus> list) {}

    public static final RunState.Key<Nodes> NODES = RunState.Key.of("nodes", Nodes.class);

    private final Host bootstrap;

    public CollectStatus(Host bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public String title() {
        return "Read the node status";
    }

    @Override
    public void run(RunContext context) {
        context.state().put(null, NODES, new Nodes(ClusterNodes.read(context, context.node(bootstrap)).orElse(List.of())));
    }
}
