package io.seedbootstrap.phase.install;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.ssh.RemoteCommand;
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
        return hosts.stream().filter(h -> {
            HostFacts facts = context.state().get(h.name(), GatherFacts.FACTS);
            return !facts.runsRke2(version);
        }).toList();
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        String script = bundle.manifest().filesOfKind(io.seedbootstrap.bundle.format.FileKind.RKE2_INSTALL_SCRIPT).stream().findFirst()
                .map(BundleFiles::name).orElse("install.sh");
        context.hosts().parallel(pending(context), Host::name, host -> {
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            String type = host.role() == Role.SERVER ? "server" : "agent";
            String prefix = facts.tarPrefix();
            // A.2, upstream install.sh v1.35.7: ARTIFACT_PATH makes it stage the tarball and checksums from
            // that folder, skip the yum/RPM default and need no curl/wget (setup_env :128, do_install :680,
            // do_install_tar :636); TAR_PREFIX given skips its own /usr/local check (:134), which facts
            // repeat (mount point or read-only: /opt/rke2); TYPE only matters to the RPM method (the
            // tarball holds both units) but is what the air-gap docs pass, so an agent says it is one.
            String command = "cd " + BundleFiles.ARTIFACTS + " && INSTALL_RKE2_ARTIFACT_PATH=" + BundleFiles.ARTIFACTS
                    + " INSTALL_RKE2_TYPE=" + type + " INSTALL_RKE2_TAR_PREFIX=" + quote(prefix) + " sh " + script;
            context.change(host.name(), "install RKE2 " + bundle.manifest().rke2Version() + " (" + type + ") under " + prefix
                    + " with the release's install.sh", () -> context.host(host.name()).exec(RemoteCommand.shell(command).asRoot()));
            return null;
        });
    }
}
