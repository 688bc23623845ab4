package io.seedbootstrap.phase.dr;

import static io.seedbootstrap.support.ShellQuote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.install.Rke2Service;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The restored datastore remembers the old machines' node passwords (secret
 * {@code <node>.node-password.rke2} in kube-system); a new machine with a reused node name would
 * be refused ("Node password rejected, duplicate hostname"). So, before the joins, those secrets
 * of the inventory's node names are deleted, unless that machine already runs RKE2 and its node
 * is Ready (a re-run). The old node may still look Ready for a while (its last heartbeat is in
 * the snapshot), so the machine's own unit decides.
 */
public final class DeleteNodePasswords implements Phase {
    private static final String SUFFIX = ".node-password.rke2";

    private final Host bootstrap;
    private final List<Host> others;

    public DeleteNodePasswords(Host bootstrap, List<Host> hosts) {
        this.bootstrap = bootstrap;
        this.others = hosts.stream().filter(h -> !h.equals(bootstrap)).toList();
    }

    @Override
    public String title() {
        return "Delete the node-password secrets of reused node names";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !others.isEmpty() && !context.dryRun();
    }

    @Override
    public void run(RunContext context) {
        var remote = context.host(bootstrap.name());
        Set<String> ready = new HashSet<>();
        Rke2Service.nodes(remote).orElse(List.of()).stream().filter(NodeStatus::ready).forEach(n -> ready.add(n.name()));
        Set<String> present = new HashSet<>();
        try {
            JsonNode list = new ObjectMapper().readTree(remote.exec(RemoteCommand.shell(
                    Rke2Paths.kubectl("-n kube-system get secrets -o json"), "kubectl -n kube-system get secrets").asRoot()).stdout());
            for (JsonNode item : list.path("items")) {
                present.add(item.path("metadata").path("name").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Host host : others) {
            String node = host.effectiveNodeName();
            String secret = node + SUFFIX;
            boolean joined = ready.contains(node) && Rke2Service.active(context.host(host.name()), Rke2Service.unit(host));
            if (present.contains(secret) && !joined) {
                context.change(bootstrap.name(), "delete secret kube-system/" + secret + " (node name " + node + " is reused)", () ->
                        remote.exec(RemoteCommand.shell(Rke2Paths.kubectl("-n kube-system delete secret " + quote(secret))).asRoot()));
            }
        }
    }
}
