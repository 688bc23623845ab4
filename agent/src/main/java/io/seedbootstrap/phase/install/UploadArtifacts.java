package io.seedbootstrap.phase.install;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.host.Relay;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.common.VerifyBundle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Puts on every node the RKE2 files its role needs. What a host already has with the right
 * sha256 is not sent again (one read-only check per host first), so a re-run on a converged
 * cluster uploads nothing and a dry run lists only what would really be sent. A file several
 * hosts need crosses the operator's link once: the {@link Relay} copies it between the hosts,
 * verified at every hop (issue: the operator's link is the slowest hop of a site). Each placed file's
 * sha256 is recorded on its host ({@link NodeFiles#rememberVerified}), so the check of a re-run
 * reads only what changed since instead of hashing every archive again (issue 22, P3).
 */
public final class UploadArtifacts implements Phase {
    private final List<Host> hosts;

    public UploadArtifacts(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    /** What {@link #run} reads on every host, for the command that takes its lock to look at (TakeLock#statesSeenAtLock). */
    public static NodeProbes.Look look(RunContext context) {
        return new NodeProbes.Look(placements(context).stream().map(BundleFiles.Placement::target).toList(), List.of());
    }

    private static List<BundleFiles.Placement> placements(RunContext context) {
        return BundleFiles.rke2Files(context.state().get(null, VerifyBundle.BUNDLE).manifest(), context.inventory().cluster().cni());
    }

    @Override
    public String title() {
        return "Upload the RKE2 artifacts";
    }

    @Override
    public void run(RunContext context) {
        distribute(context, hosts, context.state().get(null, VerifyBundle.BUNDLE), placements(context));
    }

    /**
     * Sends each placement to the hosts that lack it (by sha256): relayed between them when
     * several need it and can relay, else one upload each. Placements lacked by the same hosts
     * go as one batch ({@link Relay#distribute(List, List)}: one set of hop credentials and one
     * round per hop for all of them, not per file). Shared with UploadAppImages.
     */
    static void distribute(RunContext context, List<Host> hosts, VerifiedBundle bundle, List<BundleFiles.Placement> placements) {
        List<String> targets = placements.stream().map(BundleFiles.Placement::target).toList();
        Map<Host, Map<String, NodeFiles.State>> present = context.hosts().parallel(hosts, Host::name,
                host -> TakeLock.statesSeenAtLock(context, host, targets).orElseGet(() -> context.node(host).files().states(targets)));
        Relay relay = new Relay(context.options().runId(), context.hosts(), new Relay.Listener() {
            @Override
            public void hopFinished(String from, String to, String what, boolean ok, String detail) {
                if (ok) {
                    context.reporter().debug(to, "got " + what + " from " + from);
                } else {
                    context.reporter().warn(to, "copy of " + what + " from " + from + " failed (" + detail + "); sent by the operator instead");
                }
            }
        }, Duration.ofMinutes(2));
        // TakeLock removed other runs' relay credentials on these hosts: the relay need not sweep them again
        relay.alreadySwept(hosts.stream().filter(h -> context.state().find(h.name(), TakeLock.RELAY_SWEPT).orElse(false))
                .map(Host::name).toList());
        // receivers (one Node instance per host, so lists compare by host) -> what they all lack
        Map<List<Node>, List<BundleFiles.Placement>> relayed = new LinkedHashMap<>();
        for (BundleFiles.Placement placement : placements) {
            List<Node> receivers = new ArrayList<>();
            for (Host host : hosts) {
                NodeFiles.State state = present.get(host).get(placement.target());
                if (state == null || !state.sha256().equals(placement.file().sha256())) {
                    receivers.add(context.node(host));
                }
            }
            if (receivers.isEmpty()) {
                continue;
            }
            NodeFiles.Copy copy = placement.copy(bundle);
            long relayable = receivers.stream().map(Node::relayPeer).flatMap(Optional::stream).count();
            if (receivers.size() == 1 || copy.split() || relayable < receivers.size()) {
                // one receiver, or a file stored as parts (joined on each host): straight from the operator
                context.hosts().parallel(receivers, Node::name, node -> {
                    context.change(node.name(), placement.describe(), () -> {
                        node.files().upload(copy, context.hosts().uploadSlots());
                        node.files().rememberVerified(Map.of(copy.target(), copy.sha256()));
                    });
                    return null;
                });
                continue;
            }
            relayed.computeIfAbsent(receivers, r -> new ArrayList<>()).add(placement);
        }
        relayed.forEach((receivers, batch) -> {
            List<NodeFiles.Copy> copies = batch.stream().map(p -> p.copy(bundle)).toList();
            List<Relay.Peer> peers = receivers.stream().map(Node::relayPeer).flatMap(Optional::stream).toList();
            List<Relay.Item> items = copies.stream()
                    .map(c -> new Relay.Item(c.source(), c.sha256(), c.size(), c.target(), c.mode(), null)).toList();
            String describe = batch.stream().map(BundleFiles.Placement::describe).collect(Collectors.joining(", "));
            context.change(receivers.stream().map(Node::name).toList(), describe + " (sent once, relayed between the hosts)", () -> {
                // each receiver lacks every file of its batch (read above, holding its lock)
                Relay.Result result = relay.distributeToLacking(items, peers);
                context.reporter().debug(null, copies.size() + " file(s) of " + result.size() + " bytes: operator sent " + result.operatorBytes() + " bytes for "
                        + receivers.size() + " hosts in " + result.rounds() + " relay round(s)");
                Map<String, String> verified = new LinkedHashMap<>();
                copies.forEach(c -> verified.put(c.target(), c.sha256()));
                context.hosts().parallel(receivers, Node::name, node -> {
                    node.files().rememberVerified(verified);
                    return null;
                });
            });
        });
    }
}
