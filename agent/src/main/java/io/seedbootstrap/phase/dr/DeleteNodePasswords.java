package io.seedbootstrap.phase.dr;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.NodeStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The restored datastore remembers the old machines' node passwords (secret
 * {@code <node>.node-password.rke2} in kube-system); a new machine with a reused node name would
 * be refused ("Node password rejected, duplicate hostname"). So, before the joins, those secrets
 * of the inventory's node names are deleted, unless that machine already runs RKE2 and its node
 * is Ready (a re-run). The old node may still look Ready for a while (its last heartbeat is in
 * the snapshot), so the machine's own unit decides. A dry run on new machines has no API to ask
 * yet: it plans from the Node names the archive recorded at backup time (RKE2 keeps a
 * node-password secret per registered node).
 */
public final class DeleteNodePasswords implements Phase {
    private static final String SUFFIX = ".node-password.rke2";

    private final Host bootstrap;
    private final List<Host> others;
    private final List<String> nodesAtBackup;

    /** @param nodesAtBackup the archive's Node names, null when the archive does not record them */
    public DeleteNodePasswords(Host bootstrap, List<Host> hosts, List<String> nodesAtBackup) {
        this.bootstrap = bootstrap;
        this.others = hosts.stream().filter(h -> !h.equals(bootstrap)).toList();
        this.nodesAtBackup = nodesAtBackup == null ? null : List.copyOf(nodesAtBackup);
    }

    @Override
    public String title() {
        return "Delete the node-password secrets of reused node names";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !others.isEmpty();
    }

    @Override
    public void run(RunContext context) {
        Kubectl kubectl = context.node(bootstrap).kubectl();
        Optional<List<NodeStatus>> live = kubectl.nodes();
        if (live.isEmpty() && context.dryRun()) {
            planFromArchive(context, kubectl);
            return;
        }
        Set<String> ready = new HashSet<>();
        live.orElse(List.of()).stream().filter(NodeStatus::ready).forEach(n -> ready.add(n.name()));
        Set<String> present = new HashSet<>();
        for (JsonNode item : kubectl.list("secret", "kube-system", null)) {
            present.add(item.path("metadata").path("name").asText());
        }
        for (Host host : others) {
            String node = host.effectiveNodeName();
            boolean joined = ready.contains(node) && context.node(host).rke2().active();
            if (present.contains(node + SUFFIX) && !joined) {
                delete(context, kubectl, node);
            }
        }
    }

    /** Before the restored server runs: the inventory's node names the old cluster had are the reused ones. */
    private void planFromArchive(RunContext context, Kubectl kubectl) {
        if (nodesAtBackup == null) {
            context.reporter().warn(bootstrap.name(), "the archive does not record the old Node names (written by an older "
                    + "seed-bootstrap): node-password secrets of reused node names are deleted, but cannot be listed here");
            return;
        }
        for (Host host : others) {
            if (nodesAtBackup.contains(host.effectiveNodeName())) {
                delete(context, kubectl, host.effectiveNodeName());
            }
        }
    }

    private void delete(RunContext context, Kubectl kubectl, String node) {
        String secret = node + SUFFIX;
        context.change(bootstrap.name(), "delete secret kube-system/" + secret + " (node name " + node + " is reused)", () ->
                kubectl.delete("secret", "kube-system", secret));
    }
}
