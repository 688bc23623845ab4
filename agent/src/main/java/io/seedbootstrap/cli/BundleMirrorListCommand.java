package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.BundlePlan;
import io.seedbootstrap.bundle.bom.BomLoader;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bundle mirror-list}: what a local mirror must hold. */
@Command(name = "mirror-list", mixinStandardHelpOptions = true,
        description = "Print every file a local mirror for `bundle create --mirror` must hold, with where to get it.")
final class BundleMirrorListCommand extends BaseCommand {
    @Option(names = "--bom", paramLabel = "FILE", required = true, description = "Bill of materials (bundles/*.yaml).")
    Path bom;

    @Override
    public Integer call() {
        BundlePlan plan = BundlePlan.of(new BomLoader().load(bom).bom());
        List<BundlePlan.PlannedFile> files = plan.files();
        for (BundlePlan.PlannedFile file : files) {
            String from = file.url() != null ? file.url()
                    : "image " + file.image() + " (e.g. skopeo copy docker://" + file.image() + " docker-archive:MIRROR/"
                            + file.mirrorName() + ":" + file.image().replaceAll("@.*$", "") + ")";
            out().println(file.mirrorName() + "\t" + from
                    + (file.expectedSha256() != null ? "\tsha256:" + file.expectedSha256() : ""));
        }
        return 0;
    }
}
