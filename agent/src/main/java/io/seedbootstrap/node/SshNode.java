package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Relay;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link Node} reached over one SSH connection ({@link RemoteHost}), which it closes. The facts
 * come from the run (gathered once, after the connection opened), and decide the install prefix
 * of the rke2 binary and the OS family.
 */
public final class SshNode implements Node {
    private final Host host;
    private final RemoteHost remote;
    private final int sshPort;
    private final Supplier<Optional<HostFacts>> facts;
    private final SshFiles files;
    private final SshRke2Service rke2;
    private final SshKubectl kubectl;
    private final SshSystem system;
    private final SshProbes probes;

    /**
     * @param sshPort the port its sshd listens on (other hosts use it for relayed copies)
     * @param facts   the facts of this host once gathered
     */
    public SshNode(Host host, RemoteHost remote, int sshPort, Supplier<Optional<HostFacts>> facts) {
        this.host = host;
        this.remote = remote;
        this.sshPort = sshPort;
        this.facts = facts;
        this.files = new SshFiles(remote);
        this.rke2 = new SshRke2Service(remote, host, () -> facts().tarPrefix());
        this.kubectl = new SshKubectl(remote);
        this.system = new SshSystem(remote, () -> OsFamily.of(facts()));
        this.probes = new SshProbes(remote);
    }

    /** Connects to {@code host} (host key verified, authenticated) and wraps the connection. */
    public static SshNode connect(Host host, SshTarget target, SshOptions options, Supplier<Optional<HostFacts>> facts) {
        return new SshNode(host, RemoteHost.connect(target, options), target.port(), facts);
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public HostFacts facts() {
        return facts.get().orElseThrow(() -> new IllegalStateException("no facts for " + host.name() + ": GatherFacts must run first"));
    }

    @Override
    public NodeFiles files() {
        return files;
    }

    @Override
    public Rke2Service rke2() {
        return rke2;
    }

    @Override
    public Kubectl kubectl() {
        return kubectl;
    }

    @Override
    public NodeSystem system() {
        return system;
    }

    @Override
    public NodeProbes probes() {
        return probes;
    }

    @Override
    public Optional<Relay.Peer> relayPeer() {
        return Optional.of(Relay.Peer.of(remote, host, sshPort));
    }

    @Override
    public void close() {
        remote.close();
    }

    @Override
    public String toString() {
        return "node " + host.name();
    }
}
