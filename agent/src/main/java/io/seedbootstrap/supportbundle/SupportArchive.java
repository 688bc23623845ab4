package io.seedbootstrap.supportbundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.PrivateFiles;
import io.seedbootstrap.support.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A support bundle (docs/formats.md "Support bundle"): one {@code .tar.gz} whose entries sit under
 * one folder, {@code manifest.json} first, saying per host what was collected or why not, and per
 * entry where it came from and what was redacted (by field or kind, never the value).
 *
 * <p>Text enters only through {@link #add}, which scrubs it with the run's {@link Redactor}
 * first: nothing unscrubbed is ever held for writing, and the archive is written 0600 from its
 * first byte (a temporary file beside the target, renamed over it).
 */
public final class SupportArchive {
    /** What manifest.json says the archive is. */
    public static final String FORMAT = "seed-bootstrap-support-bundle/v1";

    /** One file of the archive: its path inside the top folder, where it came from, its size, what was redacted in it. */
    public record Entry(String path, String source, long size, List<String> redactions) {
        public Entry {
            redactions = List.copyOf(redactions);
        }
    }

    /**
     * One host of the inventory.
     *
     * @param state   collected, partial (some item failed: {@code notes} say which) or unreachable
     * @param detail  why it could not be reached, empty otherwise (scrubbed)
     */
    public record HostRow(String host, String role, String state, String detail, List<String> notes) {
        public HostRow {
            notes = List.copyOf(notes);
        }
    }

    /** manifest.json. */
    public record Manifest(String format, String cluster, String createdAt, String createdBy, List<HostRow> hosts, List<Entry> entries,
            String redaction) {}

    private final Redactor redactor;
    private final String folder;
    private final Map<String, byte[]> contents = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** @param folder the top folder every entry is under ({@code support-CLUSTER-TIME}) */
    public SupportArchive(Redactor redactor, String folder) {
        this.redactor = redactor;
        this.folder = folder;
    }

    /** Scrubs {@code text} and keeps it as {@code path}; returns what was redacted. */
    public List<String> add(String path, String source, String text) {
        return keep(path, source, redactor.scrub(text == null ? "" : text));
    }

    /** Scrubs a JSON tree (by structure, then as text) and keeps it as {@code path}. */
    public List<String> add(String path, String source, JsonNode tree) {
        return keep(path, source, redactor.scrub(tree.deepCopy()));
    }

    private synchronized List<String> keep(String path, String source, Redactor.Scrubbed scrubbed) {
        byte[] bytes = scrubbed.text().getBytes(StandardCharsets.UTF_8);
        contents.put(path, bytes);
        entries.put(path, new Entry(path, source, bytes.length, scrubbed.redactions()));
        return scrubbed.redactions();
    }

    /** Scrubbed text for the manifest's own fields (an error message may quote host output). */
    public String clean(String text) {
        return text == null ? "" : redactor.scrub(text).text();
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Writes manifest.json and every entry to {@code target} (0600), replacing it atomically. */
    public void write(Path target, String cluster, String createdBy, List<HostRow> hosts, Instant now) {
        Manifest manifest;
        Map<String, byte[]> all;
        synchronized (this) {
            manifest = new Manifest(FORMAT, cluster, now.toString(), createdBy, hosts, List.copyOf(entries.values()),
                    "before anything was written: every known secret of the inventory, its ${ENV} values, the PKI's tokens and "
                            + "the generated app passwords; then private keys (PEM and base64 PEM), join tokens, credentials in URLs "
                            + "and Authorization headers, Kubernetes Secret data, and any value whose field name says token, password, "
                            + "passphrase, secret, credential, private or access key, key data or auth. Each entry lists what was "
                            + "redacted in it, by field or kind and line, never the value.");
            all = new LinkedHashMap<>(contents);
        }
        try {
            PrivateFiles.write(target, file -> {
                try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
                    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    put(tar, "manifest.json", Json.json().writeValueAsBytes(manifest), now);
                    for (Map.Entry<String, byte[]> e : all.entrySet()) {
                        put(tar, e.getKey(), e.getValue(), now);
                    }
                    tar.finish();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private void put(TarArchiveOutputStream tar, String path, byte[] bytes, Instant now) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(folder + "/" + path);
        entry.setSize(bytes.length);
        entry.setMode(0100600);
        entry.setModTime(now.toEpochMilli());
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
