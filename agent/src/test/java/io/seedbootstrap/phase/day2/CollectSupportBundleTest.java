package io.seedbootstrap.phase.day2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code support-bundle}'s collection on in-memory nodes: what each host and the cluster give,
 * a host that cannot be reached as a manifest row, and secrets put everywhere it collects (RKE2
 * config, the journal, a job's log, the operator's run log) found nowhere in the archive.
 */
class CollectSupportBundleTest {
    private static final String KNOWN = "known-Sudo-pw-77";
    private static final String S3 = "s3-secret-value-9";
    private static final String TOKEN = "K10" + "cd34".repeat(16) + "::server:a1b2c3d4e5f6";
    private static final String KEY_BODY = "MHcCAQEEIDRzZWNyZXQga2V5IGJvZHkgZm9yIHRoZSB1bml0IHRlc3Qgb25seQ";

    @TempDir
    Path dir;

    @Test
    void everyHostIsARowSecretsAreNowhereAndTheArchiveIs0600() throws Exception {
        try (FakeRun run = FakeRun.of(dir, false)) {
            for (Host host : run.inventory().hosts()) {
                run.facts(host.name(), FakeRun.runningRke2(host, "v1.35.7+rke2r1"));
                run.node(host.name()).running();
            }
            run.node("s1").file(Rke2Paths.CONFIG, "token-file: /etc/rancher/rke2/seed-bootstrap-token\ncni: canal\n", "0600")
                    .file(Rke2Paths.CONFIG + ".d/50-s3.yaml", "etcd-s3-secret-key: " + S3 + "\nnode-label: [\"x=" + KNOWN + "\"]\n"
                            + "kubelet-arg: |\n  -----BEGIN EC PRIVATE KEY-----\n  " + KEY_BODY + "\n  -----END EC PRIVATE KEY-----\n", "0600")
                    .file(Rke2Paths.TOKEN_FILE, TOKEN + "\n", "0600")
                    .journalLine("Dec 03 rke2[42]: level=info msg=\"Starting rke2 v1.35.7+rke2r1\"")
                    .journalLine("Dec 03 rke2[42]: level=debug msg=\"join with " + TOKEN + "\"")
                    .logs("job/helm-install-cert-manager", "values given: password=" + KNOWN + "\ninstalled\n");
            run.node("s1").files().write(Rke2Paths.MANIFESTS + "/seed-cert-manager.yaml", ("apiVersion: helm.cattle.io/v1\nkind: HelmChart\n"
                    + "metadata: {name: cert-manager, namespace: kube-system}\nspec: {chart: cert-manager}\n").getBytes(StandardCharsets.UTF_8), "0600");
            run.context().state().put("s2", Connect.FAILURE, new SeedException(ExitCode.FAILED, "s2: cannot connect to 10.0.0.12:22: refused"));
            Path logs = Files.createDirectories(dir.resolve("logs"));
            Files.writeString(logs.resolve("install-20261127-090000.log"), "install log line with " + KNOWN + " in it\n");
            Path target = dir.resolve("out/bundle.tar.gz");

            run.run(io.seedbootstrap.phase.common.RunPreflight.reportOnly(run.inventory().hosts()));
            run.run(new CollectSupportBundle(run.inventory().hosts(), new CollectSupportBundle.Settings(target, 100, logs,
                    List.of(Secret.fromEnv(KNOWN, "SEED_SUDO_PASSWORD")), "seed-bootstrap test",
                    Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC))));

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            Map<String, String> entries = read(target);
            assertTrue(entries.keySet().stream().allMatch(e -> e.startsWith("support-seed-lab-20261127-100000/")), entries.keySet().toString());
            JsonNode manifest = Json.json().readTree(entry(entries, "manifest.json"));
            assertEquals("seed-bootstrap-support-bundle/v1", manifest.path("format").asText());
            Map<String, String> hosts = new LinkedHashMap<>();
            manifest.path("hosts").forEach(h -> hosts.put(h.path("host").asText(), h.path("state").asText()));
            assertEquals(Map.of("s1", "collected", "s2", "unreachable", "a1", "collected"), hosts);
            assertEquals("s2: cannot connect to 10.0.0.12:22: refused", manifest.path("hosts").get(1).path("detail").asText());
            for (String expected : List.of("hosts/s1/facts.json", "hosts/s1/preflight.txt", "hosts/s1/systemctl-status-rke2-server.txt",
                    "hosts/s1/journal-rke2-server.txt", "hosts/s1/files/etc/rancher/rke2/config.yaml",
                    "hosts/s1/files/etc/rancher/rke2/config.yaml.d/50-s3.yaml", "hosts/a1/journal-rke2-agent.txt", "cluster/nodes.json",
                    "cluster/apps/helm-install-cert-manager.json", "cluster/apps/helm-install-cert-manager.log",
                    "operator/logs/install-20261127-090000.log")) {
                entry(entries, expected);
            }
            assertTrue(entries.keySet().stream().noneMatch(e -> e.startsWith("hosts/s2/") && !e.endsWith("preflight.txt")), "nothing of s2");
            assertTrue(entries.keySet().stream().noneMatch(e -> e.contains("seed-bootstrap-token")), "token files are never read");
            assertTrue(entry(entries, "journal-rke2-server.txt").contains("Starting rke2 v1.35.7+rke2r1"));
            assertTrue(entry(entries, "cluster/nodes.json").contains("\"a1\""));
            assertEquals("s1", Json.json().readTree(entry(entries, "hosts/s1/facts.json")).path("hostname").asText());

            for (Map.Entry<String, String> e : entries.entrySet()) {
                for (String secret : List.of(KNOWN, S3, TOKEN, "a1b2c3d4e5f6", KEY_BODY)) {
                    assertFalse(e.getValue().contains(secret), e.getKey() + " holds " + secret + ":\n" + e.getValue());
                }
            }
            String dropIn = entry(entries, "50-s3.yaml");
            assertTrue(dropIn.contains("etcd-s3-secret-key: <redacted>") && dropIn.contains("node-label: [\"x=<redacted>\"]"), dropIn);
            // the manifest says what was redacted where, by field
            JsonNode dropInEntry = null;
            for (JsonNode e : manifest.path("entries")) {
                if (e.path("path").asText().endsWith("50-s3.yaml")) {
                    dropInEntry = e;
                }
            }
            assertEquals("[\"x (line 2): known secret of the inventory or PKI\",\"private key (PEM) (line 4)\",\"etcd-s3-secret-key (line 1)\"]",
                    dropInEntry.path("redactions").toString());
            assertEquals(List.of(), run.changes("s1"), "nothing changed on a host");
            assertEquals(1, run.changes("operator").size(), "one local write: the archive");
        }
    }

    private static Map<String, String> read(Path archive) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                tar.transferTo(bytes);
                entries.put(e.getName(), bytes.toString(StandardCharsets.UTF_8));
                assertEquals(0600, e.getMode() & 0777, e.getName());
            }
        }
        return entries;
    }

    private static String entry(Map<String, String> entries, String suffix) {
        return entries.entrySet().stream().filter(e -> e.getKey().endsWith("/" + suffix)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no " + suffix + " in " + entries.keySet()));
    }
}
