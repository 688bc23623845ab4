package io.seedbootstrap.phase.reset;

import io.seedbootstrap.ssh.StagedFiles;
import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
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
    static final String OURS = StagedFiles.STATE_DIR;

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
            var remote = context.host(host.name());
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            String prefix = facts.tarPrefix();
            List<String> candidates = new ArrayList<>(RKE2_PATHS);
            candidates.addAll(UNIT_FILES);
            candidates.addAll(List.of(prefix + "/bin/rke2", prefix + "/bin/rke2-uninstall.sh", prefix + "/bin/rke2-killall.sh",
                    prefix + "/share/rke2", Rke2Paths.CIS_SYSCTL_TARGET));
            StringBuilder probe = new StringBuilder("for p in");
            candidates.forEach(p -> probe.append(' ').append(quote(p)));
            probe.append("; do [ -e \"$p\" ] && echo \"$p\"; done; true");
            List<String> present = remote.exec(RemoteCommand.shell(probe.toString(), "list RKE2 files").asRoot()).stdout().lines()
                    .filter(l -> !l.isBlank()).toList();
            boolean units = facts.unitActive("rke2-server") || facts.unitActive("rke2-agent");
            String uninstall = prefix + "/bin/rke2-uninstall.sh";
            if (present.contains(uninstall)) {
                context.change(host.name(), "stop RKE2 and run " + uninstall + " (removes " + String.join(", ", present) + ")", () ->
                        remote.exec(RemoteCommand.shell("sh " + quote(uninstall)).asRoot().timeout(context.options().waitTimeout())));
            } else if (!present.isEmpty() || units) {
                // the equivalent of the script, where it was deleted
                String script = "for u in rke2-server rke2-agent; do systemctl disable --now $u.service >/dev/null 2>&1 || true; done\n"
                        + "[ -x " + quote(prefix + "/bin/rke2-killall.sh") + " ] && sh " + quote(prefix + "/bin/rke2-killall.sh") + "\n"
                        + "rm -rf " + String.join(" ", present.stream().map(io.seedbootstrap.support.ShellQuote::quote).toList()) + "\n"
                        + "systemctl daemon-reload >/dev/null 2>&1 || true";
                context.change(host.name(), "stop RKE2 and remove " + String.join(", ", present) + " (no uninstall script left)", () ->
                        remote.exec(RemoteCommand.shell(script, "uninstall RKE2 by hand").asRoot().timeout(context.options().waitTimeout())));
            }
            if (present.contains(Rke2Paths.CIS_SYSCTL_TARGET)) {
                context.change(host.name(), "remove " + Rke2Paths.CIS_SYSCTL_TARGET, () ->
                        remote.exec(RemoteCommand.shell("rm -f " + Rke2Paths.CIS_SYSCTL_TARGET).asRoot()));
            }
            // the lock goes with the folder; releasing it afterwards finds nothing and is fine
            if (remote.exec(RemoteCommand.shell("test -e " + OURS).asRoot().allowFailure()).ok()) {
                context.change(host.name(), "remove " + OURS + " (uploads, staging, the host lock)", () ->
                        remote.exec(RemoteCommand.shell("rm -rf " + OURS).asRoot()));
            }
            return null;
        });
    }
}
