package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.bundle.format.FileKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bundle inspect}: what a bundle holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show what a bundle holds: versions, components, the platform catalog, files with sizes and the hosts that need them, and the signer. "
                + "Checks the signature (not the files; that is `bundle verify`).")
final class BundleInspectCommand extends BaseCommand {
    @Parameters(paramLabel = "DIR", description = "The bundle directory.")
    Path directory;

    @Mixin
    OutputOption output;

    /** A platform catalog entry as the bundle carries it: its chart file and its images (docs/formats.md "The platform catalog"). */
    record CatalogEntry(String name, String chart, String version, String path, List<String> images) {}

    static List<CatalogEntry> catalog(BundleManifest manifest) {
        List<CatalogEntry> entries = new ArrayList<>();
        for (ManifestFile chart : manifest.filesOfKind(FileKind.CATALOG_CHART)) {
            List<String> images = manifest.filesOfKind(FileKind.CATALOG_IMAGE).stream()
                    .filter(f -> chart.component().equals(f.component())).map(ManifestFile::image).toList();
            entries.add(new CatalogEntry(chart.component(), chart.chart(), chart.version(), chart.path(), images));
        }
        return entries;
    }

    @Override
    public Integer call() {
        BundleVerifier.Report report = BundleVerifier.readSigned(directory);
        BundleManifest manifest = report.orThrow().manifest();
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bundle", directory.toString());
            json.put("signer", report.signer());
            json.put("bytes", manifest.totalSize());
            json.put("catalog", catalog(manifest));
            json.put("manifest", manifest);
            printJson(json);
            return 0;
        }
        java.io.PrintWriter out = out();
        out.println("bundle " + directory);
        out.println("  RKE2       " + manifest.rke2Version() + " (Kubernetes " + manifest.kubernetesVersion() + "), "
                + manifest.arch().platform());
        out.println("  signer     " + report.signer());
        out.println("  BOM        " + (manifest.bom() == null ? "-" : manifest.bom().name() + " (sha256 " + manifest.bom().sha256() + ")"));
        out.println("  created    " + manifest.createdAt() + " by " + manifest.createdBy());
        out.println("  split size " + manifest.splitSize() + " bytes");
        out.println("components");
        for (BundleManifest.Component component : manifest.components()) {
            String extra = component.appVersion() == null && component.kubeVersion() == null ? ""
                    : " (" + (component.appVersion() == null ? "" : "app " + component.appVersion())
                    + (component.appVersion() != null && component.kubeVersion() != null ? ", " : "")
                    + (component.kubeVersion() == null ? "" : "kubeVersion " + component.kubeVersion()) + ")";
            out.println(String.format(java.util.Locale.ROOT, "  %-14s %s%s", component.name(), component.version(), extra));
        }
        List<CatalogEntry> catalog = catalog(manifest);
        if (!catalog.isEmpty()) {
            out.println("catalog (" + catalog.size() + "; bundle push puts each chart into the site registry as an OCI chart)");
            for (CatalogEntry entry : catalog) {
                out.println(String.format(java.util.Locale.ROOT, "  %-22s chart %s %s, %d image%s", entry.name(), entry.chart(),
                        entry.version(), entry.images().size(), entry.images().size() == 1 ? "" : "s"));
            }
        }
        out.println("files (" + manifest.files().size() + ", " + StderrProgress.size(manifest.totalSize()) + ")");
        out.println(String.format(java.util.Locale.ROOT, "  %-20s %10s  %-17s %s", "KIND", "SIZE", "NEEDED BY", "PATH"));
        for (ManifestFile file : manifest.files()) {
            String roles = file.roles().isEmpty() ? "-" : String.join(",", file.roles().stream().map(r -> r.key()).toList());
            if (file.cni() != null) {
                roles += " (" + file.cni().key() + ")";
            }
            String extra = (file.image() != null ? "  " + file.image() : "")
                    + (file.isSplit() ? "  [" + file.parts().size() + " parts]" : "");
            out.println(String.format(java.util.Locale.ROOT, "  %-20s %10s  %-17s %s%s", file.kind().key(),
                    StderrProgress.size(file.size()), roles, file.path(), extra));
        }
        return 0;
    }
}
