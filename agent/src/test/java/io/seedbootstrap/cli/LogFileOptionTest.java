package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --log-file at an existing file others can read: exit 2 before any host is contacted (issue 21 item 8). */
class LogFileOptionTest {
    @TempDir
    Path dir;

    @Test
    void anExisting0644LogFileIsRefusedWithExit2AndKeepsItsModeAndContent() throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, String.join("\n",
                "cluster: {name: log-test, rke2Version: v1.35.7+rke2r1}",
                "ssh: {connectTimeoutSeconds: 1}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        Path log = dir.resolve("shared.log");
        Files.writeString(log, "earlier\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));

        CommandRunner.Result r = CommandRunner.run("reset", inventory.toString(), "--dry-run", "--log-file", log.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("the run log " + log + " exists with mode rw-r--r--") && r.err().contains("chmod 600"), r.err());
        assertTrue(!r.err().contains("seed-1:"), "no host was contacted: " + r.err());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("earlier\n", Files.readString(log));
    }
}
