package io.seedbootstrap.phase.install;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks install cannot start without, on the gathered facts: the bundle is for every
 * host's architecture, and a host that already runs RKE2 runs the bundle's version. All
 * problems are reported at once, before anything changes.
 */
public final class CheckHosts implements Phase {
    private final List<Host> hosts;

    public CheckHosts(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Check the hosts fit the bundle";
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        List<String> problems = new ArrayList<>();
        for (Host host : hosts) {
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            problems.addAll(bundleFits(host, facts, bundle));
            if (facts.rke2Installed() && !facts.runsRke2(bundle.manifest().rke2Version())) {
                problems.add(host.name() + ": runs " + facts.rke2Version() + " from " + facts.tarPrefix() + ", the bundle holds "
                        + bundle.manifest().rke2Version() + "; upgrading is not done by install");
            }
        }
        if (!problems.isEmpty()) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, "the hosts do not fit the bundle (nothing was changed):\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** What keeps the bundle off this host: an architecture without an RKE2 release, or the bundle's own compatibility rules. */
    public static List<String> bundleFits(Host host, HostFacts facts, VerifiedBundle bundle) {
        Arch arch = facts.arch().orElse(null);
        if (arch == null) {
            return List.of(host.name() + ": architecture " + facts.machine() + " has no RKE2 release (amd64, arm64, s390x)");
        }
        return bundle.compatibilityProblems(null, null, arch, "host " + host.name()).stream().map(p -> host.name() + ": " + p).toList();
    }
}
