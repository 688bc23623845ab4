package io.seedbootstrap.phase.common;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import java.util.List;

/** One read-only probe per host (OS, arch, resources, addresses, what is installed); later phases decide from it. */
public final class GatherFacts implements Phase {
    public static final RunState.Key<HostFacts> FACTS = RunState.Key.of("facts", HostFacts.class);

    private final List<Host> hosts;

    public GatherFacts(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Gather facts";
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            HostFacts facts = context.node(host).probes().facts();
            context.state().put(host.name(), FACTS, facts);
            context.reporter().info(host.name(), facts.osName() + ", " + facts.machine() + ", " + facts.cpus() + " CPU, "
                    + facts.memoryMiB() + " MiB, " + facts.rancherDiskFreeGiB() + " GiB free for /var/lib/rancher"
                    + (facts.rke2Installed() ? ", " + facts.rke2Version() : ", no RKE2 yet"));
            return facts;
        });
    }
}
