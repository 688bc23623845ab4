package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Contract A.11: the servers one at a time, the bootstrap server first, each Ready at the new
 * version with etcd healthy before the next goes down, so etcd keeps its quorum. Servers already
 * at the new version are left alone. A failure stops here: no other server and no agent is
 * touched, and the message says what to do.
 */
public final class UpgradeServers implements Phase {
    private final Host bootstrap;
    private final List<Host> servers;
    private final List<Host> agents;

    public UpgradeServers(Host bootstrap, List<Host> servers, List<Host> agents) {
        this.bootstrap = bootstrap;
        this.servers = Stream.concat(Stream.of(bootstrap), servers.stream().filter(h -> !h.equals(bootstrap))).toList();
        this.agents = List.copyOf(agents);
    }

    @Override
    public String title() {
        return "Upgrade the servers one at a time";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        UpgradePlan plan = context.state().get(null, UpgradePlan.PLAN);
        return servers.stream().anyMatch(plan::pending);
    }

    @Override
    public void run(RunContext context) {
        UpgradePlan plan = context.state().get(null, UpgradePlan.PLAN);
        Node first = context.node(bootstrap);
        List<String> upgraded = new ArrayList<>();
        List<Host> todo = servers.stream().filter(plan::pending).toList();
        for (int i = 0; i < todo.size(); i++) {
            Host server = todo.get(i);
            try {
                NodeUpgrade.upgrade(context, first, server, plan.target());
            } catch (RuntimeException e) {
                List<String> untouched = Stream.concat(todo.subList(i + 1, todo.size()).stream(), agents.stream().filter(plan::pending))
                        .map(Host::name).toList();
                throw NodeUpgrade.stopped(context, plan, upgraded, untouched, server.name(), e);
            }
            upgraded.add(server.name());
        }
    }
}
