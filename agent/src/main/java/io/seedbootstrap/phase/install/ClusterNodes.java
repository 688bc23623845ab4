package io.seedbootstrap.phase.install;

import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.rke2.NodeStatus;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's nodes as one server's API lists them, read again only when the run has changed
 * something since the last read (a change recorded through {@link RunContext#change}). The
 * bootstrap server's check, the joins and the summary all ask; a converged re-run, which changes
 * nothing, reads the list once instead of three times (issue 22, P3). Waits for a node to become
 * Ready read the API themselves: they need the list as it is now.
 */
final class ClusterNodes {
    private record Seen(String via, int changes, Optional<List<NodeStatus>> nodes) {}

    private static final RunState.Key<Seen> SEEN = RunState.Key.of("cluster nodes seen", Seen.class);

    private ClusterNodes() {}

    /** The nodes as {@code via}'s API lists them; empty when it does not answer. */
    static Optional<List<NodeStatus>> read(RunContext context, Node via) {
        int changes = context.plan().changes().size();
        Optional<Seen> seen = context.state().find(null, SEEN);
        if (seen.isPresent() && seen.get().via().equals(via.name()) && seen.get().changes() == changes) {
            return seen.get().nodes();
        }
        Optional<List<NodeStatus>> nodes = via.kubectl().nodes();
        context.state().put(null, SEEN, new Seen(via.name(), changes, nodes));
        return nodes;
    }

    /** Whether {@code nodeName} is listed and Ready. */
    static boolean ready(RunContext context, Node via, String nodeName) {
        return read(context, via).orElse(List.of()).stream().anyMatch(n -> n.name().equals(nodeName) && n.ready());
    }
}
