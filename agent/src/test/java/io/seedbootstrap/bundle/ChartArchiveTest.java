package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chart.yaml from a chart archive (a mirror or a download): read as plain fields, with SnakeYAML's alias limit. */
class ChartArchiveTest {
    @TempDir
    Path dir;

    static Path chart(Path dir, String chartYaml) throws IOException {
        Path file = dir.resolve("chart.tgz");
        byte[] bytes = chartYaml.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            TarArchiveEntry entry = new TarArchiveEntry("demo/Chart.yaml");
            entry.setSize(bytes.length);
            tar.putArchiveEntry(entry);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        return file;
    }

    @Test
    void readsTheFields() throws IOException {
        ChartArchive.ChartInfo info = ChartArchive.read(chart(dir, "apiVersion: v2\nname: demo\nversion: 1.2.3\nkubeVersion: '>= 1.30.0'\n"));
        assertEquals("demo", info.name());
        assertEquals("1.2.3", info.version());
        assertEquals(">= 1.30.0", info.kubeVersion());
    }

    /**
     * helm package writes a gzip header with an FEXTRA field that is not RFC 1952 subfields
     * (Helm v3.21.4 pkg/chartutil/save.go lines 34 and 133); every real chart archive has it, and
     * a reader that parses subfields strictly refused them all.
     */
    @Test
    void readsAnArchivePackagedByRealHelm() throws IOException {
        Path source = dir.resolve("src/demo");
        Files.createDirectories(source.resolve("templates"));
        Files.writeString(source.resolve("Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 4.5.6\nappVersion: \"7\"\n"
                + "kubeVersion: \">=1.25.0-0\"\n");
        Files.writeString(source.resolve("values.yaml"), "replicas: 1\n");
        new com.marcnuri.helm.Helm(source).packageIt().withDestination(dir).call();
        Path archive = dir.resolve("demo-4.5.6.tgz");
        byte[] header = Files.readAllBytes(archive);
        assertEquals(0x04, header[3] & 0x04, "helm package sets FEXTRA (the case this test is about)");
        ChartArchive.ChartInfo info = ChartArchive.read(archive);
        assertEquals("demo", info.name());
        assertEquals("4.5.6", info.version());
        assertEquals(">=1.25.0-0", info.kubeVersion());
    }

    @Test
    void billionLaughsIsRefusedByTheAliasLimit() throws IOException {
        // 2^30 leaves if the version were turned into text; refused at the 11th alias
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 30; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        yaml.append("name: demo\nversion: *l30\n");
        Path file = chart(dir, yaml.toString());
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, () -> ChartArchive.read(file)));
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());
    }
}
