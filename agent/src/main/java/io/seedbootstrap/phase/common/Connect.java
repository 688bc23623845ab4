package io.seedbootstrap.phase.common;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.SshNode;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import java.util.List;

/**
 * Opens one verified SSH connection per host, all at once. Every host is tried; the ones that
 * cannot be reached or refuse us are reported together, and nothing later runs on any host.
 */
public final class Connect implements Phase {
    /** Opens the node of one host (tests give in-memory nodes). */
    @FunctionalInterface
    public interface Connector {
        Node connect(Host host, RunContext context);
    }

    private final List<Host> hosts;
    private final Connector connector;

    public Connect(List<Host> hosts, SshOptions options) {
        this(hosts, (host, context) -> {
            SshTarget target = SshTarget.of(host, context.inventory().ssh());
            return SshNode.connect(host, target, options, () -> context.state().find(host.name(), GatherFacts.FACTS));
        });
    }

    /** With another way to connect. */
    public Connect(List<Host> hosts, Connector connector) {
        this.hosts = List.copyOf(hosts);
        this.connector = connector;
    }

    @Override
    public String title() {
        return "Connect to " + hosts.size() + (hosts.size() == 1 ? " host" : " hosts");
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            Node node = connector.connect(host, context);
            context.addNode(node);
            context.reporter().debug(host.name(), "connected");
            return node;
        });
    }
}
