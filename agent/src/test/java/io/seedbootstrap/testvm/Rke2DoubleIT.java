package io.seedbootstrap.testvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * The RKE2 contract double ({@code test-vms/rke2-double/}, a test double, not RKE2) on three
 * test machines, driven the way the installer will drive real RKE2: over SSH as {@code admin}
 * with {@code sudo}, secrets only in files (copied with docker's archive API) or on stdin,
 * never in any argv. Contract sections ({@code docs/rke2-contract.md}) in brackets.
 *
 * <p>vm1 is the server, vm2 an agent with the right agent token, vm3 an agent with a wrong one.
 * Each test brings up what it needs (the server is started once, by whichever test comes first),
 * so a single test can be run alone with {@code -Dit.test=Rke2DoubleIT#name}. The restore tests
 * stop and start the server and run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Rke2DoubleIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(3).build();

    private static final String ARTIFACTS = "/root/rke2-artifacts";
    private static final String DATA = "/var/lib/rancher/rke2";
    private static final String ETC = "/etc/rancher/rke2";
    private static final String KUBECTL = DATA + "/bin/kubectl --kubeconfig " + ETC + "/rke2.yaml";
    private static final String RKE2 = "/usr/local/bin/rke2";
    private static final String SNAPSHOTS = DATA + "/server/db/snapshots";
    private static final List<String> IMAGE_ARCHIVES = List.of(
            "rke2-images-core.linux-amd64.tar.zst", "rke2-images-canal.linux-amd64.tar.zst");
    /** A server start and an agent registration take a few seconds; this bounds any hang. */
    private static final int REMOTE_TIMEOUT_SECONDS = 120;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SERVER_SECRET = "srv" + randomHex(12);
    private static final String AGENT_SECRET = "agt" + randomHex(12);

    private static final Map<TestMachine, SshSession> sessions = new HashMap<>();
    private static Path artifacts;
    private static boolean serverStarted;
    private static boolean agentJoined;

    private static TestMachine server() {
        return machines.get(0);
    }

    private static TestMachine agent() {
        return machines.get(1);
    }

    private static TestMachine strangerAgent() {
        return machines.get(2);
    }

    // --- set-up: artifacts once per class, installed by hand on every machine (A.1, A.2) ----

    @BeforeAll
    static void generateArtifactsAndInstallByHand() throws Exception {
        if (machines.machines().isEmpty()) {
            return; // no Docker engine: the fixture skips every test with the reason
        }
        Path script = TestMachines.findRepoFile("test-vms/rke2-double/make-artifacts.sh");
        assertTrue(script != null, "test-vms/rke2-double/make-artifacts.sh not found from " + Path.of("").toAbsolutePath());
        artifacts = Files.createTempDirectory("rke2-double-artifacts-");
        Process p = new ProcessBuilder("bash", script.toString(), artifacts.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "make-artifacts.sh failed:\n" + out);
        for (String name : List.of("rke2.linux-amd64.tar.gz", "sha256sum-amd64.txt",
                IMAGE_ARCHIVES.get(0), IMAGE_ARCHIVES.get(1))) {
            assertTrue(Files.isRegularFile(artifacts.resolve(name)), "make-artifacts.sh did not write " + name);
        }

        for (TestMachine m : machines.machines()) {
            sessions.put(m, SshSession.open(m));
            try (Stream<Path> files = Files.list(artifacts)) {
                for (Path f : files.collect(Collectors.toList())) {
                    m.container().copyFileToContainer(MountableFile.forHostPath(f, 0644),
                            ARTIFACTS + "/" + f.getFileName());
                }
            }
            // A.2 tarball install by hand (what install.sh does in artifact-path mode, and what the
            // installer must do itself for split image archives: install.sh copies none of them)
            root(m, "set -e\n"
                    + "cd " + ARTIFACTS + "\n"
                    + "sha256sum -c --quiet sha256sum-amd64.txt\n"
                    + "tar xzf rke2.linux-amd64.tar.gz -C /usr/local\n"
                    + "mkdir -p " + DATA + "/agent/images\n"
                    + "cp " + String.join(" ", IMAGE_ARCHIVES) + " " + DATA + "/agent/images/\n"
                    + "systemctl daemon-reload\n").orThrow(m.name() + ": install by hand");
        }
    }

    @AfterAll
    static void closeSessionsAndArtifacts() throws IOException {
        for (SshSession s : sessions.values()) {
            s.close();
        }
        sessions.clear();
        if (artifacts != null) {
            try (Stream<Path> files = Files.walk(artifacts)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
    }

    // --- tests ------------------------------------------------------------------------------

    @Test
    @Order(1)
    void installedByHandItStartsUnderSystemdAndWritesTokenAndKubeconfig() {
        TestMachine s = server();
        // the hand install put the bundle where the units expect it (A.1, A.4) and the images in A.3's dir
        assertEquals("/usr/local/bin/rke2 755\n/usr/local/lib/systemd/system/rke2-server.service 644\n"
                        + "/usr/local/lib/systemd/system/rke2-agent.service 644",
                root(s, "stat -c '%n %a' /usr/local/bin/rke2 /usr/local/lib/systemd/system/rke2-server.service"
                        + " /usr/local/lib/systemd/system/rke2-agent.service").stdout().trim());
        assertEquals(String.join("\n", IMAGE_ARCHIVES.stream().sorted().collect(Collectors.toList())),
                root(s, "ls " + DATA + "/agent/images").stdout().trim());
        assertEquals("notify", root(s, "systemctl show -p Type --value rke2-server").stdout().trim(),
                "rke2-server.service must be Type=notify (A.4)");
        // `rke2 --version` in upstream's two-line format (../shared/upstream/rke2/cli-cmds/root.go lines 246-249),
        // answered without starting the double's python program (every run's facts probe asks it; issue 22 P3):
        // a sitecustomize on PYTHONPATH would run in any python that starts up
        String version = root(s, "d=$(mktemp -d); echo 'open(\"'$d'/started\", \"w\")' > $d/sitecustomize.py;"
                + " PYTHONPATH=$d /usr/local/bin/rke2 --version; ls $d; rm -rf $d").stdout();
        assertTrue(version.matches("(?s)rke2 version v1\\.\\d+\\.\\d+\\+rke2r\\d+ \\(RKE2 contract double, not RKE2\\)\n"
                + "python version 3[.0-9]+\n.*"), version);
        assertFalse(version.contains("started"), "rke2 --version started python: " + version);

        startServer();

        assertEquals("active", root(s, "systemctl is-active rke2-server").stdout().trim(),
                "systemctl start returned, so READY=1 came" + journal(s, "rke2-server"));
        // B.3: K10<sha256 of the CA>::server:<password>; for the double's own self-signed server CA
        // the hash is of the certificate file (K3s's legacy hash)
        String token = root(s, "cat " + DATA + "/server/token").stdout().trim();
        Matcher t = Pattern.compile("K10([0-9a-f]{64})::server:(.+)").matcher(token);
        assertTrue(t.matches(), "server/token not in K10<hash>::server:<secret> form: '" + token + "'");
        assertEquals(SERVER_SECRET, t.group(2), "the token's password is the configured token");
        String caHash = sha256(s, DATA + "/server/tls/server-ca.crt");
        assertEquals(caHash, t.group(1), "the token's hash is the sha256 of server-ca.crt");
        assertEquals(token, root(s, "cat " + DATA + "/server/node-token").stdout().trim(), "node-token");
        assertEquals("K10" + caHash + "::node:" + AGENT_SECRET,
                root(s, "cat " + DATA + "/server/agent-token").stdout().trim(), "agent-token (A.4)");

        // A.4: admin kubeconfig, mode 0600, pointing at the local API
        assertEquals("600 root", root(s, "stat -c '%a %U' " + ETC + "/rke2.yaml").stdout().trim(),
                "mode and owner of " + ETC + "/rke2.yaml");
        assertTrue(root(s, "cat " + ETC + "/rke2.yaml").stdout().contains("server: https://127.0.0.1:6443"),
                "rke2.yaml server");
        waitFor(s, "vm1 Ready in kubectl get nodes", 30, () -> nodes(s), n -> "Ready".equals(n.get(s.name())));
        assertFalse(processArgs(s).contains(SERVER_SECRET), "the server token is in some process's argv on " + s.name());
    }

    @Test
    @Order(2)
    void anAgentJoinsWithTheAgentTokenAndBothNodesAreReady() {
        joinAgent();
        TestMachine s = server();
        TestMachine a = agent();
        assertEquals("active", root(a, "systemctl is-active rke2-agent").stdout().trim(), journal(a, "rke2-agent"));
        Map<String, String> nodes = waitFor(s, "vm1 and vm2 Ready", 30, () -> nodes(s),
                n -> "Ready".equals(n.get(s.name())) && "Ready".equals(n.get(a.name())));
        assertEquals("Ready", nodes.get(s.name()), nodes.toString());
        assertEquals("Ready", nodes.get(a.name()), nodes.toString());
        assertFalse(nodes.containsKey(strangerAgent().name()), nodes.toString());
        String roles = root(s, KUBECTL + " get node " + a.name() + " --no-headers | awk '{print $3}'").stdout().trim();
        assertEquals("<none>", roles, "an agent has no roles");
        assertEquals(sha256(s, DATA + "/server/tls/server-ca.crt"), sha256(a, DATA + "/agent/server-ca.crt"),
                "the agent keeps the server's CA it verified against the token's hash");
        assertFalse(processArgs(a).contains(AGENT_SECRET), "the agent token is in some process's argv on " + a.name());
    }

    @Test
    @Order(3)
    void aWrongTokenIsRefusedAndTheJournalSaysWhy() {
        startServer();
        TestMachine s = server();
        TestMachine x = strangerAgent();
        String caHash = sha256(s, DATA + "/server/tls/server-ca.crt");
        // right CA hash, wrong password: gets past the CA check and is refused by the server (B.3)
        writeAgentConfig(x, "K10" + caHash + "::node:wrong-" + randomHex(6));

        ExecResult start = root(x, "systemctl start rke2-agent");
        assertNotEquals(0, start.exitCode(), "systemctl start rke2-agent with a wrong token succeeded");
        String state = root(x, "systemctl is-active rke2-agent").stdout().trim();
        assertNotEquals("active", state);
        String journal = root(x, "journalctl -u rke2-agent --no-pager -n 40").stdout();
        assertTrue(journal.contains("failed to register node with https://" + s.ip() + ":9345")
                        && journal.contains("401 Unauthorized"),
                "journal of the refused agent does not say why:\n" + journal);
        assertFalse(nodes(s).containsKey(x.name()), "a refused agent appears in kubectl get nodes");
        root(x, "systemctl stop rke2-agent; systemctl reset-failed rke2-agent; true"); // stop Restart=always
    }

    @Test
    @Order(4)
    void aRestoredSnapshotBringsBackAKeyDeletedAfterIt() {
        startServer();
        TestMachine s = server();
        String value = "before-snapshot-" + randomHex(4);
        root(s, KUBECTL + " create secret generic it-restore --from-literal=value=" + value)
                .orThrow("create secret it-restore");
        assertEquals(value, secretValue(s, "it-restore"));

        String snapshot = saveSnapshot(s, "it-restore");
        root(s, KUBECTL + " delete secret it-restore").orThrow("delete secret it-restore");
        assertEquals("", secretValue(s, "it-restore"), "secret still there after delete");

        root(s, "systemctl stop rke2-server").orThrow("systemctl stop rke2-server");
        ExecResult reset = root(s, RKE2 + " server --cluster-reset --cluster-reset-restore-path=" + snapshot + " </dev/null");
        String out = reset.stdout() + reset.stderr();
        assertEquals(0, reset.exitCode(), "cluster-reset restore failed:\n" + out);
        assertTrue(out.contains("Managed etcd cluster membership has been reset, restart without --cluster-reset flag now."), out);
        assertEquals("yes", root(s, "test -f " + DATA + "/server/db/reset-flag && echo yes").stdout().trim(), "reset-flag (C)");

        startServer(true);
        assertEquals(value, secretValue(s, "it-restore"),
                "the secret written before the snapshot is not back after the restore" + journal(s, "rke2-server"));
        assertEquals("gone", root(s, "test -e " + DATA + "/server/db/reset-flag || echo gone").stdout().trim(),
                "reset-flag removed by the next normal start (C)");
    }

    @Test
    @Order(5)
    void aRestoreWithAnotherTokenIsRefusedAndLeavesTheDataIntact() {
        startServer();
        TestMachine s = server();
        String snapshot = saveSnapshot(s, "it-wrong-token");
        String value = "after-snapshot-" + randomHex(4);
        root(s, KUBECTL + " create secret generic it-kept --from-literal=value=" + value).orThrow("create secret it-kept");

        root(s, "systemctl stop rke2-server").orThrow("systemctl stop rke2-server");
        String fingerprint = "cd " + DATA + "/server && ls db && find db/etcd tls token -type f | sort | xargs sha256sum";
        String before = root(s, fingerprint).orThrow("fingerprint of server data").stdout();
        // config.yaml.d is read after config.yaml, last wins (A.5): the restore sees this token
        writeFile(s, ETC + "/config.yaml.d/99-other-token.yaml", "token: other-" + randomHex(8) + "\n", 0600);
        try {
            ExecResult reset = root(s, RKE2 + " server --cluster-reset --cluster-reset-restore-path=" + snapshot + " </dev/null");
            String out = reset.stdout() + reset.stderr();
            assertNotEquals(0, reset.exitCode(), "a restore with another token succeeded:\n" + out);
            assertTrue(out.contains("refusing to restore " + snapshot), "no reason given:\n" + out);
            assertEquals(before, root(s, fingerprint).stdout(), "the refused restore changed the server's data");
        } finally {
            root(s, "rm -f " + ETC + "/config.yaml.d/99-other-token.yaml");
            startServer(true);
        }
        assertEquals(value, secretValue(s, "it-kept"), "the secret written after the snapshot is gone");
    }

    // --- flows --------------------------------------------------------------------------------

    private static void startServer() {
        startServer(false);
    }

    /** Configures (once) and starts rke2-server on vm1; {@code systemctl start} waits for READY=1. */
    private static synchronized void startServer(boolean again) {
        if (serverStarted && !again) {
            return;
        }
        TestMachine s = server();
        if (!serverStarted) {
            root(s, "mkdir -p " + ETC + "/config.yaml.d").orThrow("mkdir " + ETC);
            writeFile(s, ETC + "/config.yaml", "token: " + SERVER_SECRET + "\n"
                    + "agent-token: " + AGENT_SECRET + "\n"
                    + "node-ip: " + s.ip() + "\n", 0600);
        }
        ExecResult r = root(s, "systemctl start rke2-server");
        if (!r.ok()) {
            fail("systemctl start rke2-server exited " + r.exitCode() + ": " + r.stderr() + journal(s, "rke2-server"));
        }
        serverStarted = true;
    }

    private static synchronized void joinAgent() {
        if (agentJoined) {
            return;
        }
        startServer();
        TestMachine a = agent();
        String agentToken = root(server(), "cat " + DATA + "/server/agent-token").orThrow("read agent-token").stdout().trim();
        writeAgentConfig(a, agentToken);
        ExecResult r = root(a, "systemctl start rke2-agent");
        if (!r.ok()) {
            fail("systemctl start rke2-agent exited " + r.exitCode() + ": " + r.stderr() + journal(a, "rke2-agent"));
        }
        agentJoined = true;
    }

    /** config.yaml with server + token-file, token in a 0600 file: never on a command line (A.5). */
    private static void writeAgentConfig(TestMachine m, String token) {
        root(m, "mkdir -p " + ETC).orThrow("mkdir " + ETC);
        writeFile(m, ETC + "/agent-token", token + "\n", 0600);
        writeFile(m, ETC + "/config.yaml", "server: https://" + server().ip() + ":9345\n"
                + "token-file: " + ETC + "/agent-token\n"
                + "node-ip: " + m.ip() + "\n", 0600);
    }

    /** {@code rke2 etcd-snapshot save --name NAME}; returns the path of the new snapshot file (C). */
    private static String saveSnapshot(TestMachine s, String name) {
        ExecResult save = root(s, RKE2 + " etcd-snapshot save --name " + name + " </dev/null");
        assertEquals(0, save.exitCode(), "etcd-snapshot save failed:\n" + save.stdout() + save.stderr());
        String files = root(s, "ls -1 " + SNAPSHOTS).stdout().trim();
        List<String> mine = files.lines().filter(f -> f.matches(Pattern.quote(name + "-" + s.name() + "-") + "\\d+"))
                .collect(Collectors.toList());
        assertEquals(1, mine.size(), "snapshot files named " + name + "-" + s.name() + "-<ts> in " + SNAPSHOTS + ":\n" + files);
        assertEquals("600", root(s, "stat -c %a " + SNAPSHOTS + "/" + mine.get(0)).stdout().trim(), "snapshot mode");
        return SNAPSHOTS + "/" + mine.get(0);
    }

    /** The {@code value} key of secret NAME in default, or "" when there is no such secret. */
    private static String secretValue(TestMachine s, String name) {
        ExecResult r = root(s, KUBECTL + " get secret " + name + " --ignore-not-found -o jsonpath='{.data.value}'");
        assertEquals(0, r.exitCode(), "kubectl get secret " + name + ": " + r.stderr());
        String b64 = r.stdout().trim();
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    /** NAME -> STATUS from the double's {@code kubectl get nodes}. */
    private static Map<String, String> nodes(TestMachine s) {
        ExecResult r = root(s, KUBECTL + " get nodes --no-headers");
        Map<String, String> nodes = new HashMap<>();
        if (r.ok()) {
            r.stdout().lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 2)
                    .forEach(f -> nodes.put(f[0], f[1]));
        }
        return nodes;
    }

    private static String sha256(TestMachine m, String path) {
        String out = root(m, "sha256sum " + path).orThrow("sha256sum " + path + " on " + m.name()).stdout();
        return out.substring(0, out.indexOf(' '));
    }

    private static String processArgs(TestMachine m) {
        return root(m, "ps -eo args").stdout();
    }

    // --- remote helpers -----------------------------------------------------------------------

    /** Runs SCRIPT as root on M over SSH ({@code admin} + {@code sudo -n}); the script goes on stdin. */
    private static ExecResult root(TestMachine m, String script) {
        SshSession ssh = sessions.get(m);
        if (ssh == null) {
            throw new IllegalStateException("no SSH session to " + m.name() + " (set-up failed?)");
        }
        try {
            return ssh.run("sudo -n timeout " + REMOTE_TIMEOUT_SECONDS + " bash -s", script);
        } catch (IOException e) {
            throw new UncheckedIOException("ssh " + m.name() + ": " + script, e);
        }
    }

    /** Writes a root-owned file through docker's archive API: the content is in no argv. */
    private static void writeFile(TestMachine m, String path, String content, int mode) {
        m.container().copyFileToContainer(Transferable.of(content.getBytes(StandardCharsets.UTF_8), mode), path);
        String got = root(m, "stat -c '%a %U' " + path).stdout().trim();
        assertEquals(Integer.toOctalString(mode) + " root", got, "mode and owner of " + path + " on " + m.name());
    }

    private static String journal(TestMachine m, String unit) {
        return "\n--- journalctl -u " + unit + " on " + m.name() + " (last 40 lines) ---\n"
                + root(m, "journalctl -u " + unit + " --no-pager -n 40").stdout();
    }

    private static <T> T waitFor(TestMachine m, String what, int seconds, java.util.function.Supplier<T> probe,
            Predicate<T> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not after " + seconds + " s, last " + last
                        + journal(m, "rke2-server") + journal(agent(), "rke2-agent"));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = probe.get();
        }
        return last;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
