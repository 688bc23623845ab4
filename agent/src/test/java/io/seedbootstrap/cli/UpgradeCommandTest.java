package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.phase.FakeRun;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seed-bootstrap upgrade} without machines: its options, and what it refuses before any host is contacted. */
class UpgradeCommandTest {
    @TempDir
    Path tmp;

    private Path inventory(String bundle) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return Files.writeString(tmp.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, registrationAddress: 127.0.0.1}",
                "ssh: {knownHosts: " + tmp.resolve("known_hosts") + ", connectTimeoutSeconds: 2}",
                "pki: {dir: " + FakeRun.material().pki() + "}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                bundle,
                "hosts:",
                "  - {name: s1, address: 127.0.0.1, role: server, bootstrap: true, ssh: {port: " + port + "}}",
                ""));
    }

    @Test
    void helpNamesTheUpgradeOptions() {
        CommandRunner.Result r = CommandRunner.run("upgrade", "--help");
        assertEquals(0, r.exitCode(), r.err());
        for (String option : new String[] {"--bundle", "--dry-run", "--output", "--no-snapshot", "--snapshot-out", "--agent-batch", "--drain",
            "--drain-timeout", "--passphrase-env"}) {
            assertTrue(r.out().contains(option), option + " in " + r.out());
        }
    }

    @Test
    void badOptionsAndAMissingBundleAreExit2() throws Exception {
        Path file = inventory("");
        CommandRunner.Result batch = CommandRunner.run(Map.of(), tmp, "upgrade", "--agent-batch", "0", file.toString());
        assertEquals(2, batch.exitCode(), batch.err());
        assertTrue(batch.err().contains("--agent-batch and --drain-timeout must be at least 1"), batch.err());
        CommandRunner.Result bundle = CommandRunner.run(Map.of(), tmp, "upgrade", file.toString());
        assertEquals(2, bundle.exitCode(), bundle.err());
        assertTrue(bundle.err().contains("bundle.path is not set"), bundle.err());
    }

    @Test
    void withoutAPassphraseTheRunStillStartsForAConvergedClusterNeedsNoneButATooShortOneIsRefusedAtOnce() throws Exception {
        Path file = inventory("bundle: {path: " + FakeRun.material().bundle() + ", signingKeyFingerprint: \""
                + FakeRun.material().key().fingerprint() + "\"}");
        // unset: asked for only once a node needs the upgrade (ReadSnapshotPassphrase); here the run goes on to the unreachable host
        CommandRunner.Result unset = CommandRunner.run(Map.of(), tmp, "upgrade", file.toString());
        assertEquals(1, unset.exitCode(), unset.err());
        assertFalse(unset.err().contains("passphrase"), unset.err());
        assertTrue(unset.err().contains("nothing was changed on any host"), unset.err());
        // set but too short: refused before any host is contacted
        CommandRunner.Result shortOne = CommandRunner.run(Map.of("SEED_DR_PASSPHRASE", "too short"), tmp, "upgrade", file.toString());
        assertEquals(2, shortOne.exitCode(), shortOne.err());
        assertTrue(shortOne.err().contains("the archive passphrase must have at least 12 characters"), shortOne.err());
        assertFalse(shortOne.err().contains("upgrade of cluster"), "no run started: " + shortOne.err());
    }

    @Test
    void aDryRunVerifiesTheBundleThenStopsAtAnUnreachableHostHavingChangedNothing() throws Exception {
        Path file = inventory("bundle: {path: " + FakeRun.material().bundle() + ", signingKeyFingerprint: \""
                + FakeRun.material().key().fingerprint() + "\"}");
        CommandRunner.Result r = CommandRunner.run(Map.of(), tmp, "upgrade", "--dry-run", file.toString());
        assertEquals(1, r.exitCode(), "a host that cannot be reached fails the run, as in install: " + r.out() + r.err());
        assertTrue(r.err().contains("nothing was changed on any host"), r.err());
        assertTrue(r.err().contains("upgrade of cluster seed-lab on 1 host(s)"), r.err());
    }
}
