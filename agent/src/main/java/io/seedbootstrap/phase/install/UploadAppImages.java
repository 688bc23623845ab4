package io.seedbootstrap.phase.install;

import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.List;

/**
 * The bundle's image archives of the enabled seed apps' charts (cert-manager, MetalLB, Rancher,
 * ArgoCD) into agent/images on every node, since any node may run their pods (contract A.3:
 * archives dropped there while RKE2 runs are imported live, and again at every start). Files a
 * host already has with the same sha256 are not sent again.
 */
public final class UploadAppImages implements Phase {
    private final List<Host> hosts;

    public UploadAppImages(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String title() {
        return "Upload the seed apps' image archives";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !placements(context).isEmpty();
    }

    @Override
    public void run(RunContext context) {
        UploadArtifacts.distribute(context, hosts, context.state().get(null, VerifyBundle.BUNDLE), placements(context));
    }

    static List<BundleFiles.Placement> placements(RunContext context) {
        VerifiedBundle bundle = context.state().get(null, VerifyBundle.BUNDLE);
        List<String> charts = SeedApps.requiredCharts(context.inventory());
        return bundle.manifest().filesOfKind(FileKind.IMAGE_ARCHIVE).stream()
                .filter(f -> charts.contains(f.component()))
                .map(f -> new BundleFiles.Placement(f, Rke2Paths.AGENT_IMAGES + "/" + BundleFiles.name(f), "0644"))
                .toList();
    }

}
