package io.seedbootstrap.phase.reset;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeSystem;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a host back to before install: stops the units and runs the uninstall script the
 * tarball installed (contract A.4: {@code <prefix>/bin/rke2-uninstall.sh}, which runs
 * rke2-killall.sh and removes the binaries, units, /etc/rancher/rke2 and /var/lib/rancher/rke2),
 * or, where it is gone, the same removals by hand; then what seed-bootstrap itself left:
 * the CIS sysctl file and /var/lib/seed-bootstrap (artifacts, staging, the lock last). The plan
 * lists exactly the paths that exist on each host.
 */
public final class ResetHosts implements Phase {
    /** What RKE2 (A.4, A.2 step 8) and install (docs/formats.md "On-host state") put on a host. */
    static final List<String> RKE2_PATHS = List.of(Rke2Paths.ETC, Rke2Paths.DATA, "/etc/rancher/node");
    static final List<String> UNIT_FILES = List.of("/usr/local/lib/systemd/system/rke2-server.service",
            "/usr/local/lib/systemd/system/rke2-agent.service", "/etc/systemd/system/rke2-server.service",
            "/etc/systemd/system/rke2-agent.service");
    static final String OURS = NodeSystem.STATE_DIR;

    private final List<Host> hosts;

    public ResetHosts(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Uninstall RKE2 and remove seed-bootstrap's files";
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            Node node = context.node(host);
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            String prefix = facts.tarPrefix();
            List<String> candidates = new ArrayList<>(RKE2_PATHS);
            candidates.addAll(UNIT_FILES);
            candidates.addAll(List.of(prefix + "/bin/rke2", prefix + "/bin/rke2-uninstall.sh", prefix + "/bin/rke2-killall.sh",
                    prefix + "/share/rke2", Rke2Paths.CIS_SYSCTL_TARGET));
            List<String> present = node.files().existing(candidates);
            boolean units = facts.unitActive("rke2-server") || facts.unitActive("rke2-agent");
            String uninstall = node.rke2().uninstallScript();
            if (present.contains(uninstall)) {
                context.change(host.name(), "stop RKE2 and run " + uninstall + " (removes " + String.join(", ", present) + ")", () ->
                        node.rke2().uninstall(context.options().waitTimeout()));
            } else if (!present.isEmpty() || units) {
                context.change(host.name(), "stop RKE2 and remove " + String.join(", ", present) + " (no uninstall script left)", () ->
                        node.rke2().uninstallByHand(present, context.options().waitTimeout()));
            }
            if (present.contains(Rke2Paths.CIS_SYSCTL_TARGET)) {
                context.change(host.name(), "remove " + Rke2Paths.CIS_SYSCTL_TARGET, () -> node.files().remove(Rke2Paths.CIS_SYSCTL_TARGET));
            }
            // the lock goes with the folder; releasing it afterwards finds nothing and is fine
            if (node.files().exists(OURS)) {
                context.change(host.name(), "remove " + OURS + " (uploads, staging, the host lock)", () -> node.files().removeTree(OURS));
            }
            return null;
        });
    }
}
