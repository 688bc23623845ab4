package io.seedbootstrap.supportbundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupportArchiveTest {
    @TempDir
    Path dir;

    @Test
    void theWrittenArchiveIsOwnerOnlyCompleteAndScrubbed() throws IOException {
        SupportArchive archive = new SupportArchive(Redactor.of(Secret.literal("s3cr3t-join-token")), "support-seed-1");
        archive.add("hosts/cp1/journal.txt", "journalctl", "joined with s3cr3t-join-token\nready\n");
        Path target = dir.resolve("out/support.tar.gz");
        archive.write(target, "seed", "test", List.of(), Instant.parse("2026-12-03T00:00:00Z"));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        Map<String, String> entries = read(target);
        assertEquals(List.of("support-seed-1/manifest.json", "support-seed-1/hosts/cp1/journal.txt"), List.copyOf(entries.keySet()));
        assertTrue(entries.get("support-seed-1/manifest.json").replace(" ", "").contains("\"cluster\":\"seed\""), entries.toString());
        assertTrue(entries.get("support-seed-1/hosts/cp1/journal.txt").endsWith("ready\n"));
        assertFalse(entries.toString().contains("s3cr3t-join-token"));
        assertEquals(List.of(target), Files.list(target.getParent()).toList(), "no temporary file left");
    }

    private static Map<String, String> read(Path archive) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                out.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
