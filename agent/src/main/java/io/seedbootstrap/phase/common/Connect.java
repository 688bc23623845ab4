package io.seedbootstrap.phase.common;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.SshNode;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.ssh.SshOptions;
import java.util.List;

/**
 * Opens one verified SSH connection per host (the local host: local processes), all at once. Every host is tried; the ones that
 * cannot be reached or refuse us are reported together, and nothing later runs on any host.
 */
public final class Connect implements Phase {
    /** Opens the node of one host (tests give in-memory nodes). */
    @FunctionalInterface
    public interface Connector {
        Node connect(Host host, RunContext context);
    }

    /** Why a host could not be connected to, when failures are kept rather than thrown (by host name). */
    public static final RunState.Key<RuntimeException> FAILURE = RunState.Key.of("connect-failure", RuntimeException.class);

    private final List<Host> hosts;
    private final Connector connector;
    private final boolean keepFailures;

    public Connect(List<Host> hosts, SshOptions options) {
        this(hosts, sshConnector(options), false);
    }

    /** With another way to connect. */
    public Connect(List<Host> hosts, Connector connector) {
        this(hosts, connector, false);
    }

    private Connect(List<Host> hosts, Connector connector, boolean keepFailures) {
        this.hosts = List.copyOf(hosts);
        this.connector = connector;
        this.keepFailures = keepFailures;
    }

    /**
     * Connects to every host it can; a host that cannot be reached or refuses us is kept under
     * {@link #FAILURE} instead of failing the run (preflight reports it as a row).
     */
    public static Connect keepingFailures(List<Host> hosts, SshOptions options) {
        return new Connect(hosts, sshConnector(options), true);
    }

    private static Connector sshConnector(SshOptions options) {
        return (host, context) -> SshNode.connect(host, context.inventory().ssh(), options,
                () -> context.state().find(host.name(), GatherFacts.FACTS));
    }

    @Override
    public String title() {
        return "Connect to " + hosts.size() + (hosts.size() == 1 ? " host" : " hosts");
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            Node node;
            try {
                node = connector.connect(host, context);
            } catch (RuntimeException e) {
                if (!keepFailures) {
                    throw e;
                }
                context.state().put(host.name(), FAILURE, e);
                context.reporter().info(host.name(), "cannot connect: " + e.getMessage());
                return null;
            }
            context.addNode(node);
            context.reporter().debug(host.name(), "connected");
            return node;
        });
    }
}
