package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Contract A.11: the agents after every server, in batches of at most {@code batchSize} at once
 * (the rest keep serving the workloads), each optionally cordoned and drained first (bounded by
 * {@code drainTimeout}) and uncordoned once Ready at the new version. Agents already at the new
 * version are left alone, except to uncordon one an earlier run cordoned and never uncordoned
 * (killed in between: {@link #CORDONED_BY_UPGRADE}). A failing batch stops the upgrade: later
 * batches are not touched.
 */
public final class UpgradeAgents implements Phase {
    /**
     * Annotation set on an agent's Node just before the upgrade cordons it and removed just after it
     * uncordons it (value: the run id), so a run that dies in between leaves a mark the next run
     * finds (CheckUpgrade) and uncordons the node, even one already at the new version. The order
     * makes every kill safe: a mark without a cordon, or after the uncordon, only repeats an uncordon.
     */
    public static final String CORDONED_BY_UPGRADE = "seed-bootstrap.io/cordoned-by-upgrade";

    private final Host bootstrap;
    private final List<Host> agents;
    private final int batchSize;
    private final Duration drainTimeout;

    /** @param drainTimeout null: no cordon and drain */
    public UpgradeAgents(Host bootstrap, List<Host> agents, int batchSize, Duration drainTimeout) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        this.bootstrap = bootstrap;
        this.agents = List.copyOf(agents);
        this.batchSize = batchSize;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public String title() {
        return "Upgrade the agents, " + batchSize + " at a time" + (drainTimeout == null ? "" : ", drained first");
    }

    @Override
    public boolean shouldRun(RunContext context) {
        UpgradePlan plan = context.state().get(null, UpgradePlan.PLAN);
        return agents.stream().anyMatch(a -> plan.pending(a) || plan.leftCordoned(a));
    }

    @Override
    public void run(RunContext context) {
        UpgradePlan plan = context.state().get(null, UpgradePlan.PLAN);
        Node first = context.node(bootstrap);
        for (Host agent : agents) {
            if (plan.leftCordoned(agent) && !plan.pending(agent)) {
                uncordon(context, first, agent, " (cordoned by an upgrade that stopped before it was back)");
            }
        }
        List<Host> todo = agents.stream().filter(plan::pending).toList();
        List<String> upgraded = Collections.synchronizedList(new ArrayList<>());
        for (int start = 0; start < todo.size(); start += batchSize) {
            List<Host> batch = todo.subList(start, Math.min(todo.size(), start + batchSize));
            try {
                context.hosts().parallel(batch, Host::name, agent -> {
                    upgrade(context, first, agent, plan);
                    upgraded.add(agent.name());
                    return null;
                });
            } catch (RuntimeException e) {
                List<String> untouched = todo.subList(start + batch.size(), todo.size()).stream().map(Host::name).toList();
                String failed = String.join(", ", batch.stream().map(Host::name).filter(n -> !upgraded.contains(n)).toList());
                throw NodeUpgrade.stopped(context, plan, List.copyOf(upgraded), untouched, failed, e);
            }
        }
    }

    private void upgrade(RunContext context, Node first, Host agent, UpgradePlan plan) {
        String name = agent.effectiveNodeName();
        // a node someone else cordoned before the upgrade stays cordoned: only our own cordon (marked) is undone
        boolean cordonedBefore = drainTimeout != null && !plan.leftCordoned(agent) && first.kubectl().cordoned(name);
        if (cordonedBefore) {
            context.reporter().info(agent.name(), "node " + name + " was cordoned before the upgrade; it is drained and stays cordoned");
        }
        if (drainTimeout != null) {
            context.change(agent.name(), (cordonedBefore ? "drain node " : "cordon and drain node ") + name + " (at most "
                    + drainTimeout.toSeconds() + " s)", () -> {
                        if (!cordonedBefore) {
                            first.kubectl().annotateNode(name, CORDONED_BY_UPGRADE, context.options().runId());
                        }
                        first.kubectl().cordon(name);
                        first.kubectl().drain(name, drainTimeout);
                    });
        }
        NodeUpgrade.upgrade(context, first, agent, plan.target());
        if ((drainTimeout != null && !cordonedBefore) || plan.leftCordoned(agent)) {
            uncordon(context, first, agent, "");
        }
    }

    /** Uncordon, then the mark off: a kill in between leaves the mark, and the next run only uncordons again. */
    private static void uncordon(RunContext context, Node first, Host agent, String why) {
        String name = agent.effectiveNodeName();
        context.change(agent.name(), "uncordon node " + name + why, () -> {
            first.kubectl().uncordon(name);
            first.kubectl().annotateNode(name, CORDONED_BY_UPGRADE, null);
        });
    }
}
