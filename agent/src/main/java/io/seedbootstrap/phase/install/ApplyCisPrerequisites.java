package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.List;
import java.util.Optional;

/**
 * Contract A.9: with {@code profile: cis} RKE2 refuses to start unless the {@code etcd} user and
 * group exist, and expects its CIS sysctls (shipped in the tarball) under /etc/sysctl.d. Done
 * before the first start, on every node; skipped where already in place.
 */
public final class ApplyCisPrerequisites implements Phase {
    private final List<Host> hosts;

    public ApplyCisPrerequisites(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Apply the CIS profile prerequisites";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return context.inventory().rke2().profile() == Rke2.Profile.CIS;
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            Node node = context.node(host);
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            if (!node.system().hasEtcdUser()) {
                context.change(host.name(), "create the etcd user and group (CIS, A.9)", () -> node.system().createEtcdUser());
            }
            String source = facts.tarPrefix() + "/" + Rke2Paths.CIS_SYSCTL_SOURCE;
            Optional<NodeFiles.State> wanted = node.files().state(source);
            Optional<NodeFiles.State> present = node.files().state(Rke2Paths.CIS_SYSCTL_TARGET);
            if (wanted.isEmpty() || present.isEmpty() || !present.get().sha256().equals(wanted.get().sha256())) {
                context.change(host.name(), "copy " + source + " to " + Rke2Paths.CIS_SYSCTL_TARGET + " and apply it (A.9)", () -> {
                    node.files().copy(source, Rke2Paths.CIS_SYSCTL_TARGET, "0644");
                    node.system().applySysctls().ifPresent(why -> context.reporter().warn(host.name(), "systemd-sysctl could not be "
                            + "restarted (" + why + "); the CIS sysctls apply at the next boot, and RKE2's CIS host checks may fail until then"));
                });
            }
            return null;
        });
    }
}
