package io.seedbootstrap.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads what a Helm chart archive (.tgz) says about itself: its top-level Chart.yaml. */
public final class ChartArchive {
    private static final int MAX_CHART_YAML = 1 << 20;

    private ChartArchive() {}

    /** The fields of Chart.yaml that bundles check. */
    public record ChartInfo(String name, String version, String appVersion, String kubeVersion) {}

    /** @throws IOException when the file is not a gzip'd tar or has no top-level CHART/Chart.yaml */
    public static ChartInfo read(Path archive) throws IOException {
        Map<String, Object> chart = chartYaml(archive);
        return new ChartInfo(text(chart.get("name")), text(chart.get("version")), text(chart.get("appVersion")),
                text(chart.get("kubeVersion")));
    }

    /** Every field of the archive's top-level Chart.yaml (e.g. for an OCI chart's config blob). */
    public static Map<String, Object> chartYaml(Path archive) throws IOException {
        // java.util.zip, not commons-compress: helm package writes a gzip FEXTRA field that is not RFC 1952
        // subfields (Helm v3.21.4 pkg/chartutil/save.go lines 34, 133), which commons-compress 1.28 refuses;
        // GZIPInputStream skips FEXTRA by its length, as Go's compress/gzip does
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new java.util.zip.GZIPInputStream(file, 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String[] parts = entry.getName().split("/");
                if (entry.isFile() && parts.length == 2 && parts[1].equals("Chart.yaml")) {
                    if (entry.getSize() > MAX_CHART_YAML) {
                        throw new IOException("Chart.yaml is larger than 1 MiB");
                    }
                    return parse(new String(tar.readNBytes(MAX_CHART_YAML), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        throw new IOException("no Chart.yaml at the top of the archive; is it a Helm chart (helm package output)?");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String text) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        Object document;
        try {
            document = new Yaml(new SafeConstructor(options)).load(text);
        } catch (RuntimeException e) {
            throw new IOException("Chart.yaml is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new IOException("Chart.yaml is not a mapping");
        }
        return (Map<String, Object>) map;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
