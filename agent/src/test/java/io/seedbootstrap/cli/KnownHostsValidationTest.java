package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.ssh.KnownHostsFile;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssh.knownHosts must be a regular file of bounded size (issue 21 item 11): /dev/zero ran out of memory. */
class KnownHostsValidationTest {
    @TempDir
    Path dir;

    private CommandRunner.Result validate(String knownHosts) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, String.join("\n",
                "cluster: {name: kh-test, rke2Version: v1.35.7+rke2r1}",
                "ssh: {knownHosts: " + knownHosts + "}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        return CommandRunner.run("inventory", "validate", inventory.toString());
    }

    @Test
    void aDeviceIsRefusedNamingTheField() throws Exception {
        CommandRunner.Result r = validate("/dev/zero");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("error: ssh.knownHosts: known_hosts file /dev/zero is not a regular file"), r.err());
    }

    @Test
    void aFileOverTheLimitIsRefusedAndOneAtTheLimitIsNot() throws Exception {
        Path big = dir.resolve("big_known_hosts");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(KnownHostsFile.MAX_BYTES + 1); // sparse: costs no disk
        }
        CommandRunner.Result r = validate(big.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("error: ssh.knownHosts: known_hosts file " + big + " has " + (KnownHostsFile.MAX_BYTES + 1)
                + " bytes, more than"), r.err());

        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(KnownHostsFile.MAX_BYTES);
        }
        CommandRunner.Result ok = validate(big.toString());
        assertEquals(0, ok.exitCode(), ok.err());
    }
}
