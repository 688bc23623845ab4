package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backup, loss of every machine, restore onto new ones with other addresses, reset, on test
 * machines running the RKE2 contract double (a test double with a real etcd, not RKE2): N keys
 * written before the backup are all read back after the restore, the agent rejoins with the
 * original agent token under its reused node name (contract C); bad archives are refused before
 * any host is touched; reset leaves no RKE2 file, unit or process and a new install works.
 */
class DisasterRecoveryIT {
    private static final int KEYS = 40;
    private static final String PASSPHRASE = "it-passphrase-long-enough";

    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    private static CommandRunner.Result run(String passphrase, String... args) {
        return cluster.run(passphrase != null ? Map.of("SEED_DR_PASSPHRASE", passphrase) : Map.of(), args);
    }

    private static String kubectl(TestMachine server, String args) {
        return server.sh(SeedCluster.KUBECTL + args).orThrow("kubectl " + args).stdout();
    }

    @Test
    void backupLoseEveryMachineRestoreOntoNewOnesThenReset() throws Exception {
        TestMachine s1 = cluster.get(0);
        TestMachine a1 = cluster.get(1);
        Path oldInventory = cluster.inventory("dr-it").write();
        CommandRunner.Result install = run(null, "install", oldInventory.toString());
        assertEquals(0, install.exitCode(), install.err());
        kubectl(s1, "create namespace dr");
        s1.sh("for i in $(seq 1 " + KEYS + "); do /var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml -n dr "
                + "create configmap key-$i --from-literal=value=v$i >/dev/null || exit 1; done").orThrow("write keys");

        Path archive = cluster.work().resolve("backups/dr-it.sbdr");
        CommandRunner.Result backup = run(PASSPHRASE, "backup", oldInventory.toString(), "--out", archive.toString());
        assertEquals(0, backup.exitCode(), backup.err());
        String originalToken = s1.sh("cat /var/lib/rancher/rke2/server/token").stdout().strip();
        String log = Files.readString(onlyLog("backup-"));
        assertFalse(log.contains(originalToken) || backup.out().contains(originalToken) || backup.err().contains(originalToken),
                "the token is never printed or logged");
        assertFalse(new String(Files.readAllBytes(archive), java.nio.charset.StandardCharsets.ISO_8859_1).contains(originalToken));
        assertEquals("600", Integer.toOctalString(Files.getAttribute(archive, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                instanceof Integer m ? m & 0777 : 0));

        CommandRunner.Result verify = run(PASSPHRASE, "backup", "verify", archive.toString(), "-o", "json");
        assertEquals(0, verify.exitCode(), verify.err());
        JsonNode verified = new ObjectMapper().readTree(verify.out());
        assertEquals("v1.35.7+rke2r1", verified.path("rke2Version").asText());
        assertTrue(verified.path("files").toString().contains("\"rke2/token\""), verify.out());
        assertFalse(verified.path("files").toString().contains("offline/"), "root keys only when asked");

        // contract C: on-demand snapshots escape the retention; backup keeps only its newest three on the host
        for (int i = 2; i <= 4; i++) {
            CommandRunner.Result again = run(PASSPHRASE, "backup", oldInventory.toString(), "--out",
                    cluster.work().resolve("backups/dr-it-" + i + ".sbdr").toString());
            assertEquals(0, again.exitCode(), again.err());
        }
        String snapshots = s1.sh("/usr/local/bin/rke2 etcd-snapshot ls 2>/dev/null | grep -c seed-bootstrap-").stdout().strip();
        assertEquals("3", snapshots, s1.sh("/usr/local/bin/rke2 etcd-snapshot ls").stdout());

        // every machine is lost
        String oldSubnet = cluster.subnet();
        String oldAgentNode = a1.name();
        cluster.loseEveryMachine();
        assertNotEquals(oldSubnet, cluster.subnet());
        TestMachine s2 = cluster.get(0);
        TestMachine a2 = cluster.get(1);
        Path restoredPki = cluster.work().resolve("restored-pki");
        // the agent keeps its old node name (its node-password secret must go), the PKI comes out of the archive
        Path inventory = cluster.inventory("dr-it").pkiDir(restoredPki).nodeName(a2, oldAgentNode).write();

        refusedBeforeAnyHostIsTouched(archive, inventory);

        CommandRunner.Result restore = run(PASSPHRASE, "restore", archive.toString(), inventory.toString());
        assertEquals(0, restore.exitCode(), restore.err() + restore.out());
        assertTrue(restore.out().contains("delete node " + s1.name()), restore.out());
        assertTrue(restore.out().contains("delete secret kube-system/" + oldAgentNode + ".node-password.rke2"), restore.out());

        // 0 keys lost
        JsonNode maps = new ObjectMapper().readTree(kubectl(s2, "-n dr get configmaps -o json"));
        int found = 0;
        for (JsonNode item : maps.path("items")) {
            String name = item.path("metadata").path("name").asText();
            if (name.startsWith("key-")) {
                assertEquals("v" + name.substring(4), item.path("data").path("value").asText());
                found++;
            }
        }
        assertEquals(KEYS, found);
        // contract C: the restored server runs with the original token; the agent joined with the original agent token
        assertEquals(originalToken, s2.sh("cat /var/lib/rancher/rke2/server/token").stdout().strip());
        assertEquals(Files.readString(cluster.pki().resolve("cluster/agent-token")).strip(),
                a2.sh("cat /etc/rancher/rke2/seed-bootstrap-token").stdout().strip());
        String nodes = kubectl(s2, "get nodes -o name");
        assertTrue(nodes.contains("node/" + s2.name()) && nodes.contains("node/" + oldAgentNode), nodes);
        assertFalse(nodes.contains("node/" + s1.name() + "\n"), nodes);
        assertTrue(kubectl(s2, "get nodes").lines().filter(l -> !l.startsWith("NAME")).allMatch(l -> l.contains(" Ready")), nodes);
        assertEquals(Files.readString(cluster.pki().resolve("site/root-ca.crt")), Files.readString(restoredPki.resolve("site/root-ca.crt")),
                "the site CA downstream clusters trust is kept");
        assertEquals("600", s2.sh("stat -c %a /etc/rancher/rke2/seed-bootstrap-token").stdout().strip());

        // converged: a second restore changes nothing
        CommandRunner.Result again = run(PASSPHRASE, "restore", archive.toString(), inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("\n0 change(s) made"), again.out());

        resetLeavesNothingAndInstallWorksAgain(archive, inventory);
    }

    /** Wrong passphrase, a cut-off copy, a flipped byte, an archive without the token: exit 2, and the new machines untouched. */
    private void refusedBeforeAnyHostIsTouched(Path archive, Path inventory) throws Exception {
        byte[] bytes = Files.readAllBytes(archive);
        Path truncated = cluster.work().resolve("backups/truncated.sbdr");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 1000));
        Path corrupted = cluster.work().resolve("backups/corrupted.sbdr");
        byte[] flipped = bytes.clone();
        flipped[flipped.length / 3] ^= 0x04;
        Files.write(corrupted, flipped);
        Path noToken = withoutToken(archive);

        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("wrong passphrase", "the passphrase does not open this archive");
        cases.put(truncated.toString(), "not a whole DR archive");
        cases.put(corrupted.toString(), "not a whole DR archive");
        cases.put(noToken.toString(), "no server token");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            boolean wrong = c.getKey().equals("wrong passphrase");
            CommandRunner.Result r = run(wrong ? "not-the-passphrase" : PASSPHRASE, "restore", wrong ? archive.toString() : c.getKey(),
                    inventory.toString());
            assertEquals(2, r.exitCode(), c.getKey() + ": " + r.err());
            assertTrue(r.err().contains(c.getValue()), r.err());
        }
        for (TestMachine m : cluster.machines()) {
            assertFalse(m.sh("test -e /var/lib/seed-bootstrap || test -e /var/lib/rancher || test -e /etc/rancher").ok(), m.name());
        }
        assertFalse(Files.exists(cluster.work().resolve("restored-pki")), "nothing written on the operator's side either");
    }

    /** The good archive rewritten without rke2/token (the writer's own format, so only the token is missing). */
    private static Path withoutToken(Path archive) throws Exception {
        Secret pass = Secret.literal(PASSPHRASE);
        DrArchive.Verified good = DrArchive.verify(archive, pass);
        Path file = cluster.work().resolve("backups/no-token.sbdr");
        try (DrArchive.Writer w = new DrArchive.Writer(file, pass, new ArchiveCipher.Params(10, 8, 1, 65536))) {
            for (DrManifest.Entry e : good.manifest().files()) {
                if (e.path().equals(DrManifest.SERVER_TOKEN)) {
                    continue;
                }
                DrManifest.Kind kind = Arrays.stream(DrManifest.Kind.values()).filter(k -> k.key().equals(e.kind())).findFirst().orElseThrow();
                if (e.path().startsWith(DrManifest.SNAPSHOTS)) {
                    w.add(e.path(), kind, e.mode(), e.size(), out -> DrArchive.copyEntry(good, e.path(), pass, out));
                } else {
                    w.add(e.path(), kind, e.mode(), good.content(e.path()));
                }
            }
            w.finish(good.manifest());
        }
        return file;
    }

    private void resetLeavesNothingAndInstallWorksAgain(Path archive, Path inventory) throws Exception {
        CommandRunner.Result noBackup = run(PASSPHRASE, "reset", inventory.toString(), "--yes");
        assertEquals(2, noBackup.exitCode(), "a backup or --no-backup is required");

        CommandRunner.Result plan = run(PASSPHRASE, "reset", inventory.toString(), "--dry-run", "--backup", archive.toString());
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("rke2-uninstall.sh") && plan.out().contains("/var/lib/seed-bootstrap"), plan.out());
        assertTrue(cluster.get(0).sh("systemctl is-active rke2-server").ok(), "the dry run changed nothing");

        CommandRunner.Result reset = run(PASSPHRASE, "reset", inventory.toString(), "--yes", "--backup", archive.toString());
        assertEquals(0, reset.exitCode(), reset.err());
        for (TestMachine m : cluster.machines()) {
            String left = m.sh("for p in /var/lib/rancher/rke2 /etc/rancher/rke2 /etc/rancher/node /usr/local/bin/rke2 "
                    + "/usr/local/bin/rke2-uninstall.sh /usr/local/lib/systemd/system/rke2-server.service "
                    + "/usr/local/lib/systemd/system/rke2-agent.service /var/lib/seed-bootstrap; do [ -e $p ] && echo $p; done; true").stdout();
            assertEquals("", left.strip(), m.name());
            assertFalse(m.sh("systemctl list-unit-files 'rke2-*' --no-legend | grep -q rke2").ok(), m.name() + ": units remain");
            assertFalse(m.sh("pgrep -f 'rke2 (server|agent)' || pgrep -x etcd").ok(), m.name() + ": processes remain");
        }
        CommandRunner.Result install = run(null, "install", inventory.toString());
        assertEquals(0, install.exitCode(), install.err());
        assertTrue(cluster.get(1).sh("systemctl is-active rke2-agent").ok());
    }

    private static Path onlyLog(String prefix) throws Exception {
        return cluster.runLogs().stream().filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
    }
}
