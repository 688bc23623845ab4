package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.support.ShellQuote;
import io.seedbootstrap.testvm.CommandLineWatcher;
import io.seedbootstrap.testvm.ExecResult;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.utility.MountableFile;

/**
 * The air-gapped flow on the seed node itself (issue 17): a bundle made with --with-runtime is
 * mounted read-only inside vm1 (a bind mount remounted {@code ro}, standing in for the USB stick;
 * the test machines run with CAP_SYS_ADMIN, so {@code mount} works in them), and the admin user
 * (sudo, no Java on the machine) runs {@code sh /media/usb/seed-bundle/seed-bootstrap.sh install
 * inventory.yaml}: vm1 is the local host (connection: local; its sshd is stopped during the run,
 * so nothing can reach it over SSH), vm2 and vm3 are reached over SSH with a key and known_hosts
 * placed on vm1. Then the cluster is backed up on vm1, every machine is lost, and the backup is
 * restored from the stick onto new machines by the launcher on the new first node, as an admin
 * whose sudo asks for a password (given from the inventory's ${ENV} reference, never in argv). The
 * RKE2 contract double stands in for RKE2 (a test double, not RKE2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedNodeIT {
    /** The core image archive padded to 96 MiB, so an upload can be interrupted. */
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(2).bundlePadding(96 << 20).withRuntime().build();

    private static final String STICK = "/media/usb/seed-bundle";
    private static final String SITE = "/home/admin/site";
    private static final String LAUNCHER = "sh " + STICK + "/seed-bootstrap.sh";
    /** Exports the run's secrets from the admin's 0600 file, so they are on no command line. */
    private static final String SECRETS = "set -a && . ./secrets.env && set +a && ";
    private static final String DR_PASSPHRASE = "it-passphrase-" + UUID.randomUUID();
    private static final String SUDO_PASSWORD = "sudo-" + UUID.randomUUID();
    private static final String ARCHIVE = "backups/seed-node-it.sbdr";

    private static TestMachine vm1() {
        return cluster.get(0);
    }

    @BeforeAll
    static void plugTheStickIntoVm1() throws Exception {
        if (!cluster.ready()) {
            return;
        }
        TestMachine vm1 = vm1();
        plugTheStickInto(vm1);
        // the site folder: the PKI, the SSH key and known_hosts for vm2/vm3, the inventories
        vm1.container().copyFileToContainer(MountableFile.forHostPath(cluster.pki()), SITE + "/pki");
        copyLoginFiles(vm1);
        TestMachine vm2 = cluster.get(1);
        TestMachine vm3 = cluster.get(2);
        String ssh = ssh("");
        write("inventory.yaml", head("seed-node-it") + ssh + String.join("\n",
                "hosts:",
                "  - {name: " + vm1.name() + ", address: " + vm1.ip() + ", role: server, bootstrap: true, connection: local}",
                "  - {name: " + vm2.name() + ", address: " + vm2.ip() + ", role: agent}",
                "  - {name: " + vm3.name() + ", address: " + vm3.ip() + ", role: agent}", ""));
        write("two-local.yaml", head("seed-node-it") + ssh + String.join("\n",
                "hosts:",
                "  - {name: " + vm1.name() + ", address: " + vm1.ip() + ", role: server, bootstrap: true}",
                "  - {name: loop, address: 127.0.0.1, role: agent, connection: local}", ""));
        write("local-elsewhere.yaml", head("seed-node-it") + ssh + String.join("\n",
                "hosts:",
                "  - {name: " + vm2.name() + ", address: " + vm2.ip() + ", role: server, connection: local}", ""));
        // the run's secrets, sourced by the admin's shell: on no command line
        write("secrets.env", "SEED_DR_PASSPHRASE=" + DR_PASSPHRASE + "\n");
        ownSiteFolder();
    }

    /** The bundle bind-mounted read-only at {@link #STICK} on {@code machine}, standing in for the USB stick; no Java there. */
    private static void plugTheStickInto(TestMachine machine) {
        assertFalse(machine.sh("command -v java").ok(), "the seed node must have no Java: the stick brings it");
        machine.container().copyFileToContainer(MountableFile.forHostPath(cluster.bundle()), "/srv/stick/seed-bundle");
        machine.sh("mkdir -p " + STICK + " && mount --bind /srv/stick/seed-bundle " + STICK
                + " && mount -o remount,bind,ro " + STICK).orThrow("read-only bind mount of the bundle");
        assertFalse(machine.sh("touch " + STICK + "/probe").ok(), "the stick must be read-only");
    }

    /** The SSH key and known_hosts for the other machines, in the site folder on {@code machine}. */
    private static void copyLoginFiles(TestMachine machine) {
        machine.container().copyFileToContainer(MountableFile.forHostPath(cluster.privateKey()), SITE + "/id_ed25519");
        machine.container().copyFileToContainer(MountableFile.forHostPath(cluster.knownHosts()), SITE + "/known_hosts");
    }

    private static void ownSiteFolder() {
        vm1().sh("chown -R admin:admin " + SITE + " && chmod -R go-rwx " + SITE).orThrow("site folder for admin");
    }

    private static String ssh(String more) {
        return "ssh: {user: admin, identityFile: " + SITE + "/id_ed25519, knownHosts: " + SITE + "/known_hosts" + more + "}\n";
    }

    private static String head(String name) {
        return String.join("\n",
                "cluster: {name: " + name + ", rke2Version: " + SeedCluster.RKE2_VERSION + ", cni: canal}",
                "bundle: {signingKeyFingerprint: \"" + cluster.signingKey().fingerprint() + "\"}",
                "pki: {dir: ./pki, rsaKeyBits: 2048}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}", "");
    }

    private static void write(String name, String text) throws Exception {
        Path local = cluster.work().resolve("seed-node-" + name);
        Files.writeString(local, text);
        vm1().container().copyFileToContainer(MountableFile.forHostPath(local), SITE + "/" + name);
    }

    /** The launcher on vm1, as admin in a login shell, in the site folder; stdout and stderr together. */
    private static ExecResult asAdmin(String command) {
        return vm1().sh("su - admin -c " + ShellQuote.quote("cd " + SITE + " && { " + command + "; } 2>&1"));
    }

    private static void assertNothingTouched(String after) {
        for (TestMachine m : cluster.machines()) {
            assertFalse(m.sh("test -e /var/lib/seed-bootstrap").ok(), after + ": " + m.name() + " was touched");
            assertFalse(m.sh("test -e /usr/local/bin/rke2").ok(), after + ": " + m.name() + " was touched");
        }
    }

    @Test
    @Order(1)
    void badInputIsRefusedWithExit2BeforeAnyHostIsTouched() {
        ExecResult two = asAdmin(LAUNCHER + " install two-local.yaml; echo \"exit=$?\"");
        // the first run of the launcher: the stick's runtime is checked and unpacked on the node, not on the stick
        assertTrue(two.stdout().contains("seed-bootstrap.sh: checking and unpacking the Java runtime into /home/admin/.cache/seed-bootstrap/"),
                two.stdout());
        assertTrue(two.stdout().contains("exit=2"), two.stdout());
        assertTrue(two.stdout().contains("two-local.yaml:8:") && two.stdout().contains("hosts[1].connection: loop (127.0.0.1) and hosts[0] ("
                + vm1().name() + ", " + vm1().ip() + ") are both the machine seed-bootstrap runs on"), two.stdout());

        ExecResult elsewhere = asAdmin(LAUNCHER + " install local-elsewhere.yaml; echo \"exit=$?\"");
        assertTrue(elsewhere.stdout().contains("exit=2"), elsewhere.stdout());
        assertTrue(elsewhere.stdout().contains("local-elsewhere.yaml:7:") && elsewhere.stdout().contains("hosts[0].connection: connection: local says "
                + cluster.get(1).name() + " is the machine seed-bootstrap runs on, but its address " + cluster.get(1).ip()
                + " is not an address of this machine"), elsewhere.stdout());

        ExecResult notBundle = asAdmin(LAUNCHER + " install inventory.yaml --bundle " + SITE + "; echo \"exit=$?\"");
        assertTrue(notBundle.stdout().contains("exit=2"), notBundle.stdout());
        assertTrue(notBundle.stdout().contains(SITE + " (--bundle) is not a seed-bootstrap bundle: it holds no manifest.json"), notBundle.stdout());

        // the launcher copied off its bundle: it refuses before running anything
        asAdmin("mkdir -p elsewhere && cat " + STICK + "/seed-bootstrap.sh > elsewhere/seed-bootstrap.sh").orThrow("copy the launcher");
        ExecResult stray = asAdmin("sh elsewhere/seed-bootstrap.sh install inventory.yaml; echo \"exit=$?\"");
        assertTrue(stray.stdout().contains("exit=2") && stray.stdout().contains("manifest.json is missing"), stray.stdout());

        assertNothingTouched("refused input");
    }

    @Test
    @Order(2)
    void theLauncherOnTheSeedNodeInstallsThreeNodesFromAReadOnlyStickAndConverges() throws Exception {
        List<String> stickBefore = stickListing();
        // nothing may reach vm1 over SSH: it is the local host
        vm1().sh("systemctl stop ssh.socket ssh.service 2>/dev/null; ! systemctl is-active -q ssh.service").orThrow("stop vm1's sshd");
        ExecResult install;
        try {
            // --verbose: the transports' own lines (each command, each upload) go to stderr too
            install = asAdmin(LAUNCHER + " --verbose install inventory.yaml; echo \"exit=$?\"");
        } finally {
            vm1().sh("systemctl start ssh.service").orThrow("start vm1's sshd again");
        }
        assertTrue(install.stdout().contains("exit=0"), install.stdout());
        assertFalse(install.stdout().contains("checking and unpacking"), "the runtime unpacked by the first run is used again");
        assertThreeReadyNodes();
        // the stick's files were read once: the node made the first copy and relayed them to the others, as one batch
        long size = Files.size(cluster.bundle().resolve("rke2/rke2.linux-amd64.tar.gz"));
        String log = runLogs();
        Matcher batch = Pattern.compile("(\\d+) file\\(s\\) of (\\d+) bytes: operator sent (\\d+) bytes for 3 hosts").matcher(log);
        assertTrue(batch.find(), log);
        assertEquals(batch.group(2), batch.group(3), "each file of the batch was read off the stick once: " + batch.group());
        assertTrue(Long.parseLong(batch.group(2)) >= size, "the batch holds the tarball: " + batch.group());
        assertTrue(install.stdout().contains(vm1().name() + ": run locally "), "vm1 was not reached by the local transport");
        // P2 on the seed node: every file several hosts need was read off the stick once (1.00x) and
        // relayed by the nodes, so the node's SSH links to vm2 and vm3 carried commands, not bundle
        // files (one copy of the padded 96 MiB archive alone would be more than 16 MiB)
        List<String> relays = install.stdout().lines().filter(l -> l.contains("relay ") && l.contains("x the files)")).toList();
        assertFalse(relays.isEmpty(), "nothing was relayed:\n" + install.stdout());
        relays.forEach(l -> assertTrue(l.contains("(1.00x the files)"), l));
        assertTrue(relays.stream().anyMatch(l -> l.contains(": 3 host(s), 2 relayed in 2 round(s)")), "not relayed to both other nodes:\n"
                + String.join("\n", relays));
        assertTrue(relays.stream().mapToInt(l -> {
            Matcher files = Pattern.compile("relay (\\d+) files").matcher(l);
            return files.find() ? Integer.parseInt(files.group(1)) : 1;
        }).sum() >= 3, "every file all nodes need is relayed:\n" + install.stdout());
        Matcher sent = Pattern.compile("change\\(s\\) made, ([0-9.]+) MiB sent to the hosts").matcher(install.stdout());
        assertTrue(sent.find(), install.stdout());
        assertTrue(Double.parseDouble(sent.group(1)) < 16, "bundle files crossed the node's SSH links: " + sent.group());
        // nothing written to the stick (it is read-only, and its files are as they were)
        assertEquals(stickBefore, stickListing());

        ExecResult again = asAdmin(LAUNCHER + " install inventory.yaml; echo \"exit=$?\"");
        assertTrue(again.stdout().contains("exit=0") && again.stdout().contains("0 change(s) made"), again.stdout());
    }

    @Test
    @Order(3)
    void killedMidUploadThenReRunResumesAndConverges() throws Exception {
        for (TestMachine m : cluster.machines()) {
            m.sh("systemctl stop rke2-server rke2-agent 2>/dev/null; if [ -x /usr/local/bin/rke2-uninstall.sh ]; then "
                    + "/usr/local/bin/rke2-uninstall.sh >/dev/null 2>&1; fi; rm -rf /var/lib/seed-bootstrap /etc/rancher /var/lib/rancher; "
                    + "systemctl daemon-reload").orThrow("reset " + m.name());
        }
        // the launcher in the background (it execs java: the pid is seed-bootstrap's), and a watcher
        // on vm1 that kills it with -9 once the local copy of the padded archive is partly staged
        asAdmin("rm -f run.pid; nohup " + LAUNCHER + " install inventory.yaml > killed-run.out 2>&1 & echo $! > run.pid").orThrow("start");
        ExecResult watch = vm1().sh(String.join("\n",
                "pid=$(cat " + SITE + "/run.pid)",
                "end=$(( $(date +%s) + 300 ))",
                "while kill -0 \"$pid\" 2>/dev/null && [ \"$(date +%s)\" -lt \"$end\" ]; do",
                "  s=$(stat -c %s /var/lib/seed-bootstrap/staging/*.part 2>/dev/null | sort -n | tail -n1)",
                "  if [ \"${s:-0}\" -ge 4194304 ]; then kill -9 \"$pid\"; echo \"killed at $s\"; exit 0; fi",
                "done",
                "echo 'the upload was never seen staged'; cat " + SITE + "/killed-run.out; exit 1"));
        assertTrue(watch.ok(), watch.stdout());
        String left = vm1().sh("sleep 1; stat -c %s /var/lib/seed-bootstrap/staging/*.part | sort -n | tail -n1").stdout().strip();
        assertTrue(!left.isEmpty() && Long.parseLong(left) < (96L << 20) + (1 << 20), "a partial upload stays staged: " + left);

        ExecResult rerun = asAdmin(LAUNCHER + " --verbose install inventory.yaml; echo \"exit=$?\"");
        assertTrue(rerun.stdout().contains("exit=0"), rerun.stdout());
        assertTrue(rerun.stdout().contains("took over the lock of an earlier run"), rerun.stdout());
        assertTrue(rerun.stdout().contains(vm1().name() + ": resuming "), "the staged copy was not resumed");
        assertEquals("", vm1().sh("ls /var/lib/seed-bootstrap/staging").stdout().strip());
        assertThreeReadyNodes();
        ExecResult again = asAdmin(LAUNCHER + " install inventory.yaml; echo \"exit=$?\"");
        assertTrue(again.stdout().contains("exit=0") && again.stdout().contains("0 change(s) made"), again.stdout());
    }

    /**
     * Restore from the stick on a new first node (issue 17): the backup taken on vm1, every machine
     * lost, then on new machines whose admin needs a password for sudo the launcher on the new
     * vm1 (read-only stick, connection: local, sshd stopped) runs {@code restore} as admin with
     * the password from {@code ssh.sudoPassword: ${SEED_SUDO_PASSWORD}}. The restored cluster runs
     * on the same token and CAs, the PKI comes out of the archive, the data is back, the stick is
     * as it was, and the password is in no process's command line, log or output.
     */
    @Test
    @Order(4)
    void aBackupIsRestoredFromTheStickOntoNewMachinesByTheNewFirstNodeWhoseSudoNeedsAPassword() throws Exception {
        TestMachine oldVm1 = vm1();
        oldVm1.sh(SeedCluster.KUBECTL + "create configmap before-the-loss -n default --from-literal=value=kept").orThrow("write a key");
        String originalToken = oldVm1.sh("cat /var/lib/rancher/rke2/server/token").orThrow("server token").stdout().strip();
        ExecResult backup = asAdmin(SECRETS + LAUNCHER + " backup inventory.yaml --out " + ARCHIVE + "; echo \"exit=$?\"");
        assertTrue(backup.stdout().contains("exit=0"), backup.stdout());
        Path archive = cluster.work().resolve("seed-node-it.sbdr");
        oldVm1.container().copyFileFromContainer(SITE + "/" + ARCHIVE, archive.toString());
        List<String> oldNodes = cluster.machines().stream().map(TestMachine::name).toList();

        // every machine is lost; on the new ones admin needs a password for sudo
        cluster.loseEveryMachine(SUDO_PASSWORD);
        TestMachine vm1 = vm1();
        plugTheStickInto(vm1);
        List<String> stickBefore = stickListing();
        copyLoginFiles(vm1);
        vm1.container().copyFileToContainer(MountableFile.forHostPath(archive), SITE + "/" + ARCHIVE);
        // no pki/ on the new node: restore writes the archive's
        write("inventory.yaml", head("seed-node-it") + ssh(", sudoPassword: \"${SEED_SUDO_PASSWORD}\"") + String.join("\n",
                "hosts:",
                "  - {name: " + vm1.name() + ", address: " + vm1.ip() + ", role: server, bootstrap: true, connection: local}",
                "  - {name: " + cluster.get(1).name() + ", address: " + cluster.get(1).ip() + ", role: agent}",
                "  - {name: " + cluster.get(2).name() + ", address: " + cluster.get(2).ip() + ", role: agent}", ""));
        write("secrets.env", "SEED_DR_PASSPHRASE=" + DR_PASSPHRASE + "\nSEED_SUDO_PASSWORD=" + SUDO_PASSWORD + "\n");
        ownSiteFolder();
        ExecResult noPassword = asAdmin("sudo -n true");
        assertFalse(noPassword.ok(), "sudo must ask admin for a password on the new node");
        assertTrue(noPassword.stdout().contains("password is required"), noPassword.stdout());

        vm1.sh("systemctl stop ssh.socket ssh.service 2>/dev/null; ! systemctl is-active -q ssh.service").orThrow("stop vm1's sshd");
        CommandLineWatcher watcher = CommandLineWatcher.start(vm1);
        ExecResult restore;
        ExecResult again;
        String commandLines;
        try {
            preflightChecksFromAndToTheLocalNode();
            // the verbose log goes to a file on the node and is searched there: a long output through
            // docker exec's stream is the one part of this test that is not the tool's own
            restore = asAdmin(SECRETS + LAUNCHER + " --verbose restore " + ARCHIVE + " inventory.yaml > restore.out 2>&1; echo \"exit=$?\"; "
                    + "echo \"local commands: $(grep -c -F '" + vm1.name() + ": run locally ' restore.out)\"; "
                    // the password as a pattern file (printf is a shell builtin: no command line shows it)
                    + "printf '%s\\n' \"$SEED_SUDO_PASSWORD\" > password.pattern; "
                    + "echo \"password lines: $(grep -c -F -f password.pattern restore.out)\"; rm -f password.pattern; tail -n 60 restore.out");
            again = restore.stdout().contains("exit=0") ? asAdmin(SECRETS + LAUNCHER + " install inventory.yaml; echo \"exit=$?\"") : restore;
        } finally {
            commandLines = watcher.stop();
            vm1.sh("systemctl start ssh.service").orThrow("start vm1's sshd again");
        }
        assertTrue(restore.stdout().contains("exit=0"), restore.stdout());
        Matcher local = Pattern.compile("local commands: (\\d+)").matcher(restore.stdout());
        assertTrue(local.find() && Integer.parseInt(local.group(1)) > 0, "the new vm1 was not reached by the local transport:\n" + restore.stdout());
        assertTrue(restore.stdout().contains("password lines: 0"), "the sudo password in the restore's output");
        assertTrue(again.stdout().contains("exit=0") && again.stdout().contains("0 change(s) made"), "install after restore: " + again.stdout());

        // the same token and CAs: the restored server runs with the original token, the agents joined with the original agent token
        assertEquals(originalToken, vm1.sh("cat /var/lib/rancher/rke2/server/token").stdout().strip());
        String agentToken = Files.readString(cluster.pki().resolve("cluster/agent-token")).strip();
        for (TestMachine agent : cluster.machines().subList(1, 3)) {
            assertEquals(agentToken, agent.sh("cat /etc/rancher/rke2/seed-bootstrap-token").stdout().strip(), agent.name());
        }
        assertEquals(Files.readString(cluster.pki().resolve("cluster/server/tls/server-ca.crt")),
                vm1.sh("cat /var/lib/rancher/rke2/server/tls/server-ca.crt").orThrow("server CA").stdout());
        // the PKI written from the archive on the node (the site CA downstream clusters trust is kept)
        assertEquals(Files.readString(cluster.pki().resolve("site/root-ca.crt")),
                vm1.sh("cat " + SITE + "/pki/site/root-ca.crt").orThrow("restored PKI").stdout());
        assertThreeReadyNodes();
        Set<String> nodes = new TreeSet<>(vm1.sh(SeedCluster.KUBECTL + "get nodes -o name").orThrow("nodes").stdout().lines().toList());
        assertEquals(new TreeSet<>(cluster.machines().stream().map(m -> "node/" + m.name()).toList()), nodes,
                "the old machines' nodes " + oldNodes + " are deleted");
        assertEquals("kept", vm1.sh(SeedCluster.KUBECTL + "get configmap before-the-loss -n default -o jsonpath={.data.value}").stdout().strip());
        // nothing written to the stick
        assertEquals(stickBefore, stickListing());

        // sudo with the password ran locally, and the password is in no command line, log, output or journal
        assertTrue(commandLines.contains("sudo -S -p [seed-bootstrap sudo "), "the watcher must have seen the local sudo calls:\n" + commandLines);
        assertTrue(commandLines.contains(" restore " + ARCHIVE + " inventory.yaml"), "the watcher must have seen the run");
        assertFalse(commandLines.contains(SUDO_PASSWORD), "the sudo password in a command line");
        assertFalse(commandLines.contains(DR_PASSPHRASE), "the passphrase in a command line");
        assertFalse(restore.stdout().contains(SUDO_PASSWORD) || again.stdout().contains(SUDO_PASSWORD), "the sudo password in the output");
        assertFalse(runLogs().contains(SUDO_PASSWORD), "the sudo password in the run log");
        assertFalse(vm1.exec("journalctl", "--no-pager", "-o", "json").stdout().contains(SUDO_PASSWORD), "the sudo password in the journal");
    }

    /**
     * Preflight on the new vm1 (its sshd stopped): sudo with the password works locally, and the
     * cross-host checks ran from the local node to the others and from the others to it.
     */
    private static void preflightChecksFromAndToTheLocalNode() throws Exception {
        ExecResult run = asAdmin(SECRETS + LAUNCHER + " preflight inventory.yaml -o json > preflight.json; echo \"exit=$?\"");
        JsonNode report = new ObjectMapper().readTree(vm1().sh("cat " + SITE + "/preflight.json").orThrow("preflight report").stdout());
        assertTrue(run.stdout().contains("exit=0") && report.path("passed").asBoolean(), run.stdout() + report.toPrettyString());
        TestMachine vm1 = vm1();
        assertEquals("pass", row(report, vm1, "sudo").path("result").asText(), report.toPrettyString());
        String fromLocal = row(report, vm1, "kubelet-reachable").path("detail").asText();
        for (TestMachine other : cluster.machines().subList(1, 3)) {
            assertTrue(fromLocal.contains(other.ip() + ":10250"), fromLocal);
            String toLocal = row(report, other, "kubelet-reachable").path("detail").asText();
            assertTrue(toLocal.contains(vm1.ip() + ":10250"), toLocal);
            assertTrue(row(report, other, "server-ports-reachable").path("detail").asText().contains(vm1.ip() + ":9345"), report.toPrettyString());
        }
    }

    private static JsonNode row(JsonNode report, TestMachine host, String check) {
        for (JsonNode r : report.path("results")) {
            if (r.path("host").asText().equals(host.name()) && r.path("check").asText().equals(check)) {
                return r;
            }
        }
        throw new AssertionError("no " + check + " row for " + host.name() + ": " + report.toPrettyString());
    }

    private static void assertThreeReadyNodes() {
        String nodes = vm1().sh(SeedCluster.KUBECTL + "get nodes --no-headers").orThrow("kubectl get nodes").stdout();
        for (TestMachine m : cluster.machines()) {
            assertTrue(nodes.lines().anyMatch(l -> l.startsWith(m.name() + " ") && l.contains(" Ready")), nodes);
        }
        assertTrue(vm1().sh("test -s " + SITE + "/seed-node-it.kubeconfig").ok(), "no kubeconfig beside the inventory");
    }

    /** Every file on the stick with its sha256, read from the directory under the read-only mount. */
    private static List<String> stickListing() {
        return vm1().sh("cd /srv/stick/seed-bundle && find . -type f -exec sha256sum {} + | sort").orThrow("list the stick").stdout()
                .lines().toList();
    }

    private static String runLogs() {
        return vm1().sh("cat /home/admin/.local/state/seed-bootstrap/logs/*.log").orThrow("read the run logs").stdout();
    }
}
