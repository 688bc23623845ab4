package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.bom.Bom;
import io.seedbootstrap.bundle.bom.BomArtifact;
import io.seedbootstrap.bundle.bom.BomCatalogEntry;
import io.seedbootstrap.bundle.bom.BomChart;
import io.seedbootstrap.bundle.bom.BomImage;
import io.seedbootstrap.bundle.bom.BomList;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.inventory.model.Cni;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a bundle built from a BOM holds: every file with its place in the bundle, its name in a
 * local mirror, where it comes from and what the BOM says its hash is. Pure data; the builder
 * fetches and copies, other sources (HTTP download, registry image saving) plug in by kind.
 */
public record BundlePlan(String bomName, String rke2Version, Arch arch, List<BundleManifest.Component> components,
        List<PlannedFile> files) {

    /** One file to put into the bundle. */
    public record PlannedFile(
            String bundlePath,
            String mirrorName,
            FileKind kind,
            String component,
            String version,
            Cni cni,
            String image,
            String chart,
            String url,
            String expectedSha256) {

        public List<FileKind.HostRole> roles() {
            return kind.roles();
        }
    }

    public static BundlePlan of(Bom bom) {
        String rke2Version = bom.rke2().version();
        List<BundleManifest.Component> components = new ArrayList<>();
        List<PlannedFile> files = new ArrayList<>();
        components.add(new BundleManifest.Component("rke2", rke2Version, null, null));
        for (BomArtifact artifact : bom.rke2().artifacts()) {
            FileKind kind = artifact.kind().fileKind();
            files.add(new PlannedFile(kind.directory() + "/" + artifact.file(), artifact.file(), kind, "rke2", rke2Version,
                    artifact.cni(), null, null, artifact.url(), artifact.sha256()));
        }
        for (BomChart chart : nonNull(bom.charts())) {
            components.add(new BundleManifest.Component(chart.name(), chart.version(), chart.appVersion(), chart.kubeVersion()));
            files.add(new PlannedFile(FileKind.CHART.directory() + "/" + chart.file(), chart.file(), FileKind.CHART, chart.name(),
                    chart.version(), null, null, chart.name(), chart.url(), chart.sha256()));
            String imageVersion = chart.appVersion() != null ? chart.appVersion() : chart.version();
            for (BomImage image : nonNull(chart.images())) {
                String name = FileKind.IMAGE_ARCHIVE.directory() + "/" + SafeNames.imageArchiveName(image.ref());
                files.add(new PlannedFile(name, name, FileKind.IMAGE_ARCHIVE, chart.name(), imageVersion, null, image.pinnedRef(),
                        null, null, null));
            }
        }
        for (BomCatalogEntry entry : bom.catalogEntries()) {
            BomChart chart = entry.chart();
            components.add(new BundleManifest.Component(entry.name(), chart.version(), chart.appVersion(), chart.kubeVersion()));
            files.add(new PlannedFile(FileKind.CATALOG_CHART.directory() + "/" + chart.file(), chart.file(), FileKind.CATALOG_CHART,
                    entry.name(), chart.version(), null, null, chart.name(), chart.url(), chart.sha256()));
            String imageVersion = chart.appVersion() != null ? chart.appVersion() : chart.version();
            for (BomImage image : entry.images()) {
                String archive = SafeNames.imageArchiveName(image.ref());
                files.add(new PlannedFile(FileKind.CATALOG_IMAGE.directory() + "/" + archive, FileKind.IMAGE_ARCHIVE.directory() + "/"
                        + archive, FileKind.CATALOG_IMAGE, entry.name(), imageVersion, null, image.pinnedRef(), null, null, null));
            }
        }
        for (BomList list : nonNull(bom.lists())) {
            files.add(new PlannedFile(FileKind.IMAGE_LIST.directory() + "/" + list.file(), list.file(), FileKind.IMAGE_LIST,
                    list.component(), list.version(), null, null, null, list.url(), list.sha256()));
        }
        files.sort(Comparator.comparing(PlannedFile::bundlePath));
        return new BundlePlan(bom.name(), rke2Version, bom.rke2().arch(), List.copyOf(components), List.copyOf(files));
    }

    /** Where the BOM itself goes in the bundle. */
    public String bomPath() {
        return FileKind.BOM.directory() + "/" + bomName + ".yaml";
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
