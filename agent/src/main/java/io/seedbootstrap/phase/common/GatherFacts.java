package io.seedbootstrap.phase.common;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One read-only probe per host (OS, arch, resources, addresses, what is installed); later phases
 * decide from it. A {@link NodeProbes.Look} adds, to the same command, the files later read-only
 * checks would each ask about in a command of their own (issue 22, P3): they read them from
 * {@link #LOOKED} and ask the host only for paths not looked at.
 */
public final class GatherFacts implements Phase {
    public static final RunState.Key<HostFacts> FACTS = RunState.Key.of("facts", HostFacts.class);
    /** The facts command's look at files, read when the facts were (before any change and before the host locks). */
    public static final RunState.Key<NodeProbes.Looked> LOOKED = RunState.Key.of("looked", NodeProbes.Looked.class);

    private final List<Host> hosts;
    private final Function<Host, NodeProbes.Look> look;

    public GatherFacts(List<Host> hosts) {
        this(hosts, host -> NodeProbes.Look.NOTHING);
    }

    /** @param look per host, the paths to look at in the facts command */
    public GatherFacts(List<Host> hosts, Function<Host, NodeProbes.Look> look) {
        this.hosts = List.copyOf(hosts);
        this.look = look;
    }

    /** What the facts command found of {@code paths} on {@code host}, if it looked at all of them. */
    public static Optional<Map<String, NodeFiles.State>> lookedStates(RunContext context, Host host, Collection<String> paths) {
        return context.state().find(host.name(), LOOKED).flatMap(l -> l.states(paths));
    }

    /** Which of {@code paths} the facts command found on {@code host}, if it looked at all of them. */
    public static Optional<List<String>> lookedExisting(RunContext context, Host host, Collection<String> paths) {
        return context.state().find(host.name(), LOOKED).flatMap(l -> l.existing(paths));
    }

    @Override
    public String title() {
        return "Gather facts";
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            NodeProbes.Looked looked = context.node(host).probes().facts(look.apply(host));
            HostFacts facts = looked.facts();
            context.state().put(host.name(), FACTS, facts);
            context.state().put(host.name(), LOOKED, looked);
            context.reporter().info(host.name(), facts.osName() + ", " + facts.machine() + ", " + facts.cpus() + " CPU, "
                    + facts.memoryMiB() + " MiB, " + facts.rancherDiskFreeGiB() + " GiB free for /var/lib/rancher"
                    + (facts.rke2Installed() ? ", " + facts.rke2Version() : ", no RKE2 yet"));
            return facts;
        });
    }
}
