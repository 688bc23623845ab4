package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
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
            var remote = context.host(host.name());
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            boolean hasUser = remote.exec(RemoteCommand.shell("getent passwd etcd >/dev/null && getent group etcd >/dev/null")
                    .allowFailure()).ok();
            if (!hasUser) {
                context.change(host.name(), "create the etcd user and group (CIS, A.9)", () -> remote.exec(RemoteCommand.shell(
                        "getent group etcd >/dev/null || groupadd -r etcd; getent passwd etcd >/dev/null || "
                                + "useradd -r -c 'etcd user' -s /sbin/nologin -M -g etcd etcd").asRoot()));
            }
            String source = facts.tarPrefix() + "/" + Rke2Paths.CIS_SYSCTL_SOURCE;
            Optional<RemoteFiles.State> wanted = RemoteFiles.state(remote, source);
            Optional<RemoteFiles.State> present = RemoteFiles.state(remote, Rke2Paths.CIS_SYSCTL_TARGET);
            if (wanted.isEmpty() || present.isEmpty() || !present.get().sha256().equals(wanted.get().sha256())) {
                context.change(host.name(), "copy " + source + " to " + Rke2Paths.CIS_SYSCTL_TARGET + " and apply it (A.9)", () -> {
                    remote.exec(RemoteCommand.shell("install -m 0644 " + source + " " + Rke2Paths.CIS_SYSCTL_TARGET).asRoot());
                    // A.9 applies them with `systemctl restart systemd-sysctl`; where that unit is masked (containers) they apply at boot
                    var restart = remote.exec(RemoteCommand.shell("systemctl restart systemd-sysctl").asRoot().allowFailure());
                    if (!restart.ok()) {
                        context.reporter().warn(host.name(), "systemd-sysctl could not be restarted (" + restart.stderrTail(1)
                                + "); the CIS sysctls apply at the next boot, and RKE2's CIS host checks may fail until then");
                    }
                });
            }
            return null;
        });
    }
}
