package io.seedbootstrap.phase.upgrade;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Version;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upgrade's checks before any change, in place of install's CheckHosts (VerifyBundle already
 * refused a bundle that is not the version the inventory's cluster.rke2Version names): the bundle
 * fits every host's architecture; every host runs RKE2 and is a
 * Ready node; the bundle's version is no downgrade and at most one minor ahead of every node's
 * (contract A.11, checked against both the Node's kubelet version and the installed rke2); etcd
 * answers healthy through the API server (A.11). Every problem is reported at once (exit 3), and
 * the {@link UpgradePlan} is published for the phases that move the nodes, with the agents an
 * earlier run left cordoned (their marker annotation).
 */
public final class CheckUpgrade implements Phase {
    private final Host bootstrap;
    private final List<Host> hosts;

    public CheckUpgrade(Host bootstrap, List<Host> hosts) {
        this.bootstrap = bootstrap;
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Check the cluster can be upgraded to the bundle's RKE2";
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        String target = bundle.manifest().rke2Version();
        List<String> problems = new ArrayList<>();
        Kubectl kubectl = context.node(bootstrap).kubectl();
        Optional<List<NodeStatus>> nodes = context.node(bootstrap).rke2().active() ? kubectl.nodes() : Optional.empty();
        if (nodes.isEmpty()) {
            problems.add(bootstrap.name() + ": the cluster's API does not answer on the bootstrap server; upgrade moves a running "
                    + "cluster (install it first, or bring " + bootstrap.name() + " back)");
        }
        Map<String, String> before = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>();
        List<String> leftCordoned = new ArrayList<>();
        for (Host host : hosts) {
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            problems.addAll(CheckHosts.bundleFits(host, facts, bundle));
            if (!facts.rke2Installed()) {
                problems.add(host.name() + ": RKE2 is not installed; upgrade moves a running cluster, `install` adds new nodes");
                continue;
            }
            String installed = facts.installedRke2Version().orElse(null);
            Optional<NodeStatus> node = nodes.orElse(List.of()).stream().filter(n -> n.name().equals(host.effectiveNodeName())).findFirst();
            if (nodes.isPresent() && node.isEmpty()) {
                problems.add(host.name() + ": the cluster has no node " + host.effectiveNodeName() + "; join it with `install` first");
            } else if (node.isPresent() && !node.get().ready()) {
                problems.add(host.name() + ": node " + host.effectiveNodeName() + " is NotReady; an upgrade starts only on a healthy "
                        + "cluster: fix it first (journalctl -u " + context.node(host).rke2().unit() + ")");
            }
            if (node.isPresent() && node.get().annotations().containsKey(UpgradeAgents.CORDONED_BY_UPGRADE)) {
                leftCordoned.add(host.name());
            }
            String running = node.flatMap(n -> Rke2Version.find(n.kubeletVersion())).orElse(installed);
            before.put(host.name(), running == null ? "unknown" : running);
            for (String version : new java.util.LinkedHashSet<>(java.util.Arrays.asList(running, installed))) {
                if (version == null) {
                    problems.add(host.name() + ": the installed rke2 printed no version (" + facts.rke2Version() + ")");
                } else {
                    Rke2Version.upgradeRefusal(version, target).ifPresent(why -> problems.add(host.name() + ": " + why));
                }
            }
            if (!(target.equals(installed) && target.equals(running))) {
                pending.add(host.name());
            }
        }
        if (nodes.isPresent() && !kubectl.etcdHealthy()) {
            problems.add(bootstrap.name() + ": etcd is not healthy (the API server's /readyz/etcd check fails); an upgrade restarts "
                    + "servers one at a time and needs every etcd member: fix etcd first");
        }
        if (!problems.isEmpty()) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, "the cluster cannot be upgraded to RKE2 " + target
                    + " (nothing was changed):\n  " + String.join("\n  ", problems));
        }
        UpgradePlan plan = new UpgradePlan(target, before, pending, leftCordoned);
        context.state().put(null, UpgradePlan.PLAN, plan);
        context.reporter().info(null, pending.isEmpty() ? "every node runs RKE2 " + target + " already"
                : pending.size() + " of " + hosts.size() + " node(s) to upgrade to RKE2 " + target + ": " + plan.describe(pending));
        if (!leftCordoned.isEmpty()) {
            context.reporter().info(null, "an earlier upgrade stopped before uncordoning " + String.join(", ", leftCordoned)
                    + ": uncordoned once back at " + target);
        }
    }
}
