package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, kubeconfig and support-bundle through the real command line, without machines: hosts on loopback ports nothing listens on. */
class DayTwoCommandTest {
    @TempDir
    Path tmp;

    private Path inventory(int port) throws Exception {
        return Files.writeString(tmp.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}",
                "ssh: {knownHosts: " + tmp.resolve("known_hosts") + ", connectTimeoutSeconds: 2, sudoPassword: \"${SEED_SUDO_PASSWORD}\"}",
                "pki: {dir: " + tmp.resolve("no-pki") + "}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: s1, address: 127.0.0.1, role: server, ssh: {port: " + port + "}}",
                "  - {name: a1, address: 127.0.0.2, role: agent, ssh: {port: " + port + "}}",
                ""));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void statusOfHostsThatCannotBeReachedIsThreeWithEachRowNamed() throws Exception {
        CommandRunner.Result r = CommandRunner.run(Map.of("SEED_SUDO_PASSWORD", "pw-unused-1"), tmp, "status",
                inventory(closedPort()).toString(), "-o", "json");
        assertEquals(3, r.exitCode(), r.out() + r.err());
        JsonNode status = new ObjectMapper().readTree(r.out());
        assertEquals(2, status.path("nodes").size());
        for (JsonNode n : status.path("nodes")) {
            assertFalse(n.path("reachable").asBoolean(), n.toString());
            assertEquals("FAIL", n.path("health").asText());
        }
        assertTrue(r.err().contains("s1: unreachable: ") && r.err().contains("a1: unreachable: "), r.err());
        assertEquals("WARN", status.path("pki").path("health").asText(), "no PKI directory here: a warning, not a failure");
    }

    @Test
    void badInputIsTwoBeforeAnyHostIsContacted() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "cluster: {name: seed-lab}\nhosts: []\n");
        for (String command : new String[] {"status", "kubeconfig"}) {
            CommandRunner.Result r = CommandRunner.run(Map.of(), tmp, command, bad.toString());
            assertEquals(2, r.exitCode(), command + ": " + r.err());
            assertTrue(r.err().contains("bad.yaml"), r.err());
        }
        CommandRunner.Result noOut = CommandRunner.run(Map.of(), tmp, "support-bundle", inventory(closedPort()).toString());
        assertEquals(2, noOut.exitCode(), noOut.err());
        assertTrue(noOut.err().contains("--out"), noOut.err());
    }

    @Test
    void kubeconfigFromABootstrapServerThatCannotBeReachedFailsAndWritesNothing() throws Exception {
        Path target = tmp.resolve("seed.kubeconfig");
        CommandRunner.Result r = CommandRunner.run(Map.of("SEED_SUDO_PASSWORD", "pw-unused-1"), tmp, "kubeconfig",
                inventory(closedPort()).toString(), "--out", target.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("s1"), r.err());
        assertFalse(Files.exists(target));
    }

    @Test
    void aSupportBundleOfHostsThatCannotBeReachedStillListsThemAndHoldsNoSecret() throws Exception {
        Path target = tmp.resolve("out/bundle.tar.gz");
        Path logs = Files.createDirectories(tmp.resolve("state/seed-bootstrap/logs"));
        Files.writeString(logs.resolve("install-20261127-100000.log"), "sudo with pw-in-a-log-77 (a log written before redaction existed)\n");
        CommandRunner.Result r = CommandRunner.run(Map.of("SEED_SUDO_PASSWORD", "pw-in-a-log-77", "XDG_STATE_HOME", tmp.resolve("state").toString()),
                tmp, "support-bundle", inventory(closedPort()).toString(), "--out", target.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+s1\\s+server\\s+unreachable\\s+.*")), r.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        String manifest = null;
        StringBuilder all = new StringBuilder();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(target)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                tar.transferTo(bytes);
                String text = bytes.toString(StandardCharsets.UTF_8);
                all.append(e.getName()).append('\n').append(text);
                if (e.getName().endsWith("/manifest.json")) {
                    manifest = text;
                }
            }
        }
        JsonNode hosts = new ObjectMapper().readTree(manifest).path("hosts");
        assertEquals("unreachable", hosts.get(0).path("state").asText());
        assertEquals("unreachable", hosts.get(1).path("state").asText());
        assertTrue(all.toString().contains("operator/logs/install-20261127-100000.log"), all.toString());
        assertFalse(all.toString().contains("pw-in-a-log-77"), "the inventory's ${ENV} secret is redacted from the run log");
        assertTrue(all.toString().contains("cluster/NOT-COLLECTED.txt"), "no API answered: said so");
    }
}
