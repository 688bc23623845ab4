package io.seedbootstrap.phase.common;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.preflight.CheckResult;
import io.seedbootstrap.preflight.Preflight;
import io.seedbootstrap.preflight.PreflightReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only preflight of `seed-bootstrap preflight` on the connected hosts (resources, clock,
 * uniqueness, ports free or held by this cluster's RKE2, reachability of the servers and the
 * registration address...), run before the first change: one failure anywhere refuses the run
 * with every failure listed (exit 3). Warnings are shown and the run goes on.
 */
public final class RunPreflight implements Phase {
    public static final RunState.Key<PreflightReport> REPORT = RunState.Key.of("preflight", PreflightReport.class);

    private final List<Host> hosts;

    public RunPreflight(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Preflight checks";
    }

    @Override
    public void run(RunContext context) {
        Map<String, NodeProbes> connected = new LinkedHashMap<>();
        Map<String, HostFacts> facts = new LinkedHashMap<>();
        for (Host host : hosts) {
            connected.put(host.name(), context.node(host).probes());
            context.state().find(host.name(), GatherFacts.FACTS).ifPresent(f -> facts.put(host.name(), f));
        }
        PreflightReport report = new Preflight(context.hosts(), context.reporter()::debug).check(context.inventory(), connected, facts);
        context.state().put(null, REPORT, report);
        for (CheckResult warning : report.warnings()) {
            context.reporter().warn(warning.host(), warning.check().key() + ": " + warning.detail());
        }
        report.requirePassed();
    }
}
