package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import java.util.List;
import java.util.stream.Stream;

/**
 * Running nodes whose configuration this run changed (--apply-config-changes) read it only on a
 * restart: servers one at a time, each Ready before the next (the cluster keeps its etcd quorum),
 * then the agents one at a time, as contract A.10's upgrade order does.
 */
public final class RestartReconfiguredNodes implements Phase {
    private final Host bootstrap;
    private final List<Host> hosts;

    public RestartReconfiguredNodes(Host bootstrap, List<Host> servers, List<Host> agents) {
        this.bootstrap = bootstrap;
        this.hosts = Stream.concat(servers.stream(), agents.stream()).toList();
    }

    @Override
    public String title() {
        return "Restart reconfigured nodes one at a time";
    }

    private List<Host> changed(RunContext context) {
        return hosts.stream().filter(h -> context.state().find(h.name(), CheckConfigDrift.RECONFIGURED).orElse(false)).toList();
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !changed(context).isEmpty();
    }

    @Override
    public void run(RunContext context) {
        Node first = context.node(bootstrap);
        for (Host host : changed(context)) {
            Node node = context.node(host);
            context.change(host.name(), "restart " + node.rke2().unit() + " to apply the new configuration",
                    () -> node.rke2().restart(context.options().waitTimeout()));
            if (!context.dryRun()) {
                Rke2Start.waitReady(context, first, node);
            }
        }
    }
}
