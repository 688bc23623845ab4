package io.seedbootstrap.phase.dr;

import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.List;
import java.util.Map;

/**
 * Contract C, "What to back up": the user manifests in {@code server/manifests/} go with the
 * snapshot, so they come back with it. The restored datastore already holds their AddOns and
 * HelmCharts; without the files a later {@code install} rewrites them and waits for a
 * helm-install job the unchanged HelmChart never re-runs. Written before the restored server's
 * first start; a file the host already has (WriteNodeConfig's) is left as it is.
 */
public final class RestoreManifests implements Phase {
    private static final String PREFIX = "rke2/manifests/";

    private final Host bootstrap;
    private final DrArchive.Verified archive;

    public RestoreManifests(Host bootstrap, DrArchive.Verified archive) {
        this.bootstrap = bootstrap;
        this.archive = archive;
    }

    @Override
    public String title() {
        return "Put the archived server/manifests back on " + bootstrap.name() + " (C)";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !context.node(bootstrap).rke2().active();
    }

    @Override
    public void run(RunContext context) {
        NodeFiles host = context.node(bootstrap).files();
        List<DrManifest.Entry> files = archive.manifest().files().stream()
                .filter(e -> e.kind().equals(DrManifest.Kind.MANIFEST.key()) && e.path().startsWith(PREFIX))
                // backup takes the folder's top level only; anything else is not a name to write there
                .filter(e -> e.path().substring(PREFIX.length()).matches("[A-Za-z0-9][A-Za-z0-9._-]*")).toList();
        Map<String, NodeFiles.State> present = host.states(
                files.stream().map(e -> Rke2Paths.MANIFESTS + "/" + e.path().substring(PREFIX.length())).toList());
        for (DrManifest.Entry e : files) {
            String path = Rke2Paths.MANIFESTS + "/" + e.path().substring(PREFIX.length());
            if (present.get(path) == null) {
                context.change(bootstrap.name(), "write " + path + " (0600, from the archive)", () ->
                        host.write(path, archive.content(e.path()), "0600"));
            }
        }
    }
}
