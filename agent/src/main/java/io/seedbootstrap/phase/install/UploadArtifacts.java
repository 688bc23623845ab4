package io.seedbootstrap.phase.install;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import java.util.List;
import java.util.Map;

/**
 * Puts on every node the RKE2 files its role needs. What a host already has with the right
 * sha256 is not sent again (one read-only check per host first), so a re-run on a converged
 * cluster uploads nothing and a dry run lists only what would really be sent.
 */
public final class UploadArtifacts implements Phase {
    private final List<Host> hosts;

    public UploadArtifacts(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Upload the RKE2 artifacts";
    }

    @Override
    public void run(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        List<BundleFiles.Placement> placements = BundleFiles.rke2Files(bundle.manifest(), context.inventory().cluster().cni());
        context.hosts().parallel(hosts, Host::name, host -> {
            var remote = context.host(host.name());
            Map<String, RemoteFiles.State> present = RemoteFiles.states(remote, placements.stream().map(BundleFiles.Placement::target).toList());
            int sent = 0;
            for (BundleFiles.Placement placement : placements) {
                RemoteFiles.State state = present.get(placement.target());
                if (state != null && state.sha256().equals(placement.file().sha256())) {
                    continue;
                }
                sent++;
                context.change(host.name(), placement.describe(),
                        () -> BundleFiles.upload(remote, bundle, placement, context.hosts().uploadSlots()));
            }
            if (sent == 0) {
                context.reporter().debug(host.name(), "every RKE2 artifact already in place");
            }
            return sent;
        });
    }
}
