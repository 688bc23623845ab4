package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Relay;
import io.seedbootstrap.inventory.model.Host;
import java.util.Optional;

/**
 * One host of a run as the phases see it: its inventory entry, the facts gathered about it, and
 * what can be done there, in small typed groups. A phase says <i>what</i> it wants ("is rke2-server
 * active", "write config.yaml 0600"); a Node knows <i>how</i>: the shell text, its quoting, the
 * paths RKE2 puts things in, and what differs per OS family ({@link OsFamily}). Nothing above this
 * package builds a command. (k0sctl's per-OS configurer is the model.)
 *
 * <p>{@link SshNode} does it over one {@link io.seedbootstrap.ssh.RemoteHost}; unit tests give
 * phases an in-memory node instead. Every operation here either only reads, or makes exactly the
 * change its name says: the phase wraps changes in {@code RunContext.change}, so a dry run never
 * calls them.
 */
public interface Node extends AutoCloseable {

    /** The inventory entry. */
    Host host();

    default String name() {
        return host().name();
    }

    /**
     * What the facts probe found ({@link NodeProbes#facts()}, published by the GatherFacts phase).
     *
     * @throws IllegalStateException before they were gathered
     */
    HostFacts facts();

    /** Files on the host: states, reads, atomic writes, verified uploads. */
    NodeFiles files();

    /** RKE2 on the host: its unit, install.sh, etcd snapshots, cluster reset, uninstall. */
    Rke2Service rke2();

    /** RKE2's kubectl on this host (a server): the cluster as its API server sees it. */
    Kubectl kubectl();

    /** The host itself: CIS prerequisites, the host lock, relay credentials, its clock. */
    NodeSystem system();

    /** Read-only probes: facts, the root/sudo probe, temporary listeners and TCP connects. */
    NodeProbes probes();

    /**
     * How other hosts reach this one when a file is relayed between hosts ({@link Relay}); empty
     * when this node cannot take part in a relay (it then gets its own upload).
     */
    default Optional<Relay.Peer> relayPeer() {
        return Optional.empty();
    }

    @Override
    void close();
}
