package io.seedbootstrap.phase.common;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Opens one verified SSH connection per host, all at once. Every host is tried; the ones that
 * cannot be reached or refuse us are reported together, and nothing later runs on any host.
 */
public final class Connect implements Phase {
    private final List<Host> hosts;
    private final BiFunction<SshTarget, SshOptions, RemoteHost> connector;
    private final SshOptions options;

    public Connect(List<Host> hosts, SshOptions options) {
        this(hosts, options, RemoteHost::connect);
    }

    /** With another way to connect (tests give fakes). */
    public Connect(List<Host> hosts, SshOptions options, BiFunction<SshTarget, SshOptions, RemoteHost> connector) {
        this.hosts = List.copyOf(hosts);
        this.options = options;
        this.connector = connector;
    }

    @Override
    public String title() {
        return "Connect to " + hosts.size() + (hosts.size() == 1 ? " host" : " hosts");
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            RemoteHost remote = connector.apply(SshTarget.of(host, context.inventory().ssh()), options);
            context.addConnection(host.name(), remote);
            context.reporter().debug(host.name(), "connected");
            return remote;
        });
    }
}
