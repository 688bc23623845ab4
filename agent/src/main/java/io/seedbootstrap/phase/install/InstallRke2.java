package io.seedbootstrap.phase.install;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.VerifyBundle;
import java.util.List;

/**
 * Installs RKE2 the way contract A.2 describes for air-gapped nodes: the release's own
 * install.sh in artifact-path (tarball) mode, which verifies the tarball against
 * sha256sum-ARCH.txt, unpacks it under /usr/local (or /opt/rke2 when /usr/local is read-only,
 * rewriting the unit paths) and reloads systemd. It neither enables nor starts anything. The
 * image archives are already in agent/images (UploadArtifacts), since install.sh would skip
 * the split ones. Hosts that already run the bundle's version are left alone.
 */
public final class InstallRke2 implements Phase {
    private final List<Host> hosts;

    public InstallRke2(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Install RKE2 from the tarball";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !pending(context).isEmpty();
    }

    private List<Host> pending(RunContext context) {
        String version = context.state().get(null, VerifyBundle.BUNDLE).manifest().rke2Version();
        return hosts.stream().filter(h -> !context.state().get(h.name(), GatherFacts.FACTS).runsRke2(version)).toList();
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        String script = bundle.manifest().filesOfKind(FileKind.RKE2_INSTALL_SCRIPT).stream().findFirst()
                .map(BundleFiles::name).orElse("install.sh");
        context.hosts().parallel(pending(context), Host::name, host -> {
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            String prefix = facts.tarPrefix();
            context.change(host.name(), "install RKE2 " + bundle.manifest().rke2Version() + " (" + (host.role() == Role.SERVER ? "server" : "agent")
                    + ") under " + prefix + " with the release's install.sh",
                    () -> context.node(host).rke2().install(BundleFiles.ARTIFACTS, script, prefix));
            return null;
        });
    }
}
