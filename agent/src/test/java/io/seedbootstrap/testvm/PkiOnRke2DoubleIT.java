package io.seedbootstrap.testvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seedbootstrap.cli.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The PKI of `pki init` accepted by the RKE2 contract double (test-vms/rke2-double, a test
 * double, not RKE2): its `cluster/server/tls/` tree copied as is to the first server's
 * server/tls/ (contract B.1) and its token given as token-file, the server starts on our custom
 * CAs with our full token (B.3), and an agent given only cluster/agent-token joins. Secrets are
 * copied as 0600 files through docker's archive API, never in an argv.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PkiOnRke2DoubleIT {
    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(2).build();

    private static final String ARTIFACTS = "/root/rke2-artifacts";
    private static final String DATA = "/var/lib/rancher/rke2";
    private static final String ETC = "/etc/rancher/rke2";
    private static final String KUBECTL = DATA + "/bin/kubectl --kubeconfig " + ETC + "/rke2.yaml";
    private static final int REMOTE_TIMEOUT_SECONDS = 120;

    private static final Map<TestMachine, SshSession> sessions = new HashMap<>();
    private static Path work;
    private static Path pki;

    @BeforeAll
    static void generatePkiAndInstallTheDouble() throws Exception {
        if (machines.machines().isEmpty()) {
            return; // no Docker engine: the fixture skips every test with the reason
        }
        work = Files.createTempDirectory("pki-on-rke2-double-");
        Files.writeString(work.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-it, rke2Version: v1.35.7+rke2r1}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "apps: {rancher: {hostname: rancher.it.example.internal}}",
                "hosts:",
                "  - {name: " + server().name() + ", address: " + server().ip() + ", role: server}",
                "  - {name: " + agent().name() + ", address: " + agent().ip() + ", role: agent}", ""));
        CommandRunner.Result init = CommandRunner.run(Map.of(), work, "pki", "init", work.resolve("inventory.yaml").toString());
        assertEquals(0, init.exitCode(), init.err());
        pki = work.resolve("pki");

        Path script = TestMachines.findRepoFile("test-vms/rke2-double/make-artifacts.sh");
        assertTrue(script != null, "test-vms/rke2-double/make-artifacts.sh not found");
        Path artifacts = work.resolve("artifacts");
        Process p = new ProcessBuilder("bash", script.toString(), artifacts.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "make-artifacts.sh failed:\n" + out);
        for (TestMachine m : machines.machines()) {
            sessions.put(m, SshSession.open(m));
            try (Stream<Path> files = Files.list(artifacts)) {
                for (Path f : files.collect(Collectors.toList())) {
                    m.container().copyFileToContainer(MountableFile.forHostPath(f, 0644), ARTIFACTS + "/" + f.getFileName());
                }
            }
            root(m, "set -e\ncd " + ARTIFACTS + "\nsha256sum -c --quiet sha256sum-amd64.txt\n"
                    + "tar xzf rke2.linux-amd64.tar.gz -C /usr/local\nmkdir -p " + DATA + "/agent/images\n"
                    + "cp rke2-images-core.linux-amd64.tar.zst rke2-images-canal.linux-amd64.tar.zst " + DATA + "/agent/images/\n"
                    + "systemctl daemon-reload\n").orThrow(m.name() + ": install by hand");
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        for (SshSession s : sessions.values()) {
            s.close();
        }
        sessions.clear();
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theFirstServerStartsOnTheGeneratedCasAndToken() throws IOException {
        TestMachine s = server();
        root(s, "mkdir -p " + DATA + "/server/tls/etcd " + ETC).orThrow("mkdir");
        // B.1: the tree is copied verbatim; keys 0600, certificates 0644
        try (Stream<Path> walk = Files.walk(pki.resolve("cluster/server/tls"))) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = pki.resolve("cluster/server/tls").relativize(file).toString();
                copy(s, file, DATA + "/server/tls/" + relative, relative.endsWith(".key") ? 0600 : 0644);
            }
        }
        copy(s, pki.resolve("cluster/token"), ETC + "/token", 0600);
        copy(s, pki.resolve("cluster/agent-token"), ETC + "/agent-token", 0600);
        writeFile(s, ETC + "/config.yaml", "token-file: " + ETC + "/token\nagent-token-file: " + ETC + "/agent-token\nnode-ip: " + s.ip()
                + "\n", 0600);

        ExecResult start = root(s, "systemctl start rke2-server");
        if (!start.ok()) {
            fail("systemctl start rke2-server: " + start.stderr() + journal(s, "rke2-server"));
        }
        String journal = journal(s, "rke2-server");
        assertTrue(journal.contains("Using custom CA certificates found in " + DATA + "/server/tls"), journal);
        for (String ca : List.of("server-ca", "client-ca", "request-header-ca", "etcd/peer-ca", "etcd/server-ca")) {
            assertEquals(sha256(pki.resolve("cluster/server/tls/" + ca + ".crt")), remoteSha256(s, DATA + "/server/tls/" + ca + ".crt"),
                    ca + ".crt is ours after the start");
        }
        // B.3: our full token is used as is: its CA hash is what RKE2 computes from our server-ca.crt
        assertEquals(Files.readString(pki.resolve("cluster/token")).strip(), root(s, "cat " + DATA + "/server/token").stdout().strip());
        assertEquals(Files.readString(pki.resolve("cluster/agent-token")).strip(),
                root(s, "cat " + DATA + "/server/agent-token").stdout().strip());
        waitForNodes(s, List.of(s.name()));
        // the serving certificate on 9345 chains to our cluster root
        copy(s, pki.resolve("cluster/root-ca.crt"), "/root/cluster-root.crt", 0644);
        String handshake = root(s, "openssl s_client -connect " + s.ip() + ":9345 -CAfile /root/cluster-root.crt </dev/null 2>&1").stdout();
        assertTrue(handshake.contains("Verify return code: 0 (ok)"), handshake);
        assertFalse(root(s, "ps -eo args").stdout().contains(secretOf(pki.resolve("cluster/token"))), "the token is in no argv");
    }

    @Test
    @Order(2)
    void anAgentJoinsWithTheAgentTokenAlone() throws IOException {
        TestMachine s = server();
        TestMachine a = agent();
        root(a, "mkdir -p " + ETC).orThrow("mkdir");
        copy(a, pki.resolve("cluster/agent-token"), ETC + "/agent-token", 0600);
        writeFile(a, ETC + "/config.yaml", "server: https://" + s.ip() + ":9345\ntoken-file: " + ETC + "/agent-token\nnode-ip: " + a.ip()
                + "\n", 0600);
        ExecResult start = root(a, "systemctl start rke2-agent");
        if (!start.ok()) {
            fail("systemctl start rke2-agent: " + start.stderr() + journal(a, "rke2-agent"));
        }
        waitForNodes(s, List.of(s.name(), a.name()));
        assertEquals(sha256(pki.resolve("cluster/server/tls/server-ca.crt")), remoteSha256(a, DATA + "/agent/server-ca.crt"),
                "the agent verified and kept our server CA bundle");
        assertEquals("no", root(a, "test -e " + ETC + "/token && echo yes || echo no").stdout().strip(), "the agent never got the server token");
        assertFalse(root(a, "ps -eo args").stdout().contains(secretOf(pki.resolve("cluster/agent-token"))), "the agent token is in no argv");
    }

    private static TestMachine server() {
        return machines.get(0);
    }

    private static TestMachine agent() {
        return machines.get(1);
    }

    private static void waitForNodes(TestMachine s, List<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = root(s, KUBECTL + " get nodes --no-headers").stdout();
            String snapshot = last;
            if (names.stream().allMatch(n -> snapshot.lines().anyMatch(l -> l.matches("^" + n + "\\s+Ready\\b.*")))) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail(names + " not Ready after 40 s: " + last + journal(s, "rke2-server"));
    }

    private static String secretOf(Path tokenFile) throws IOException {
        String token = Files.readString(tokenFile).strip();
        return token.substring(token.lastIndexOf(':') + 1);
    }

    private static void copy(TestMachine m, Path file, String path, int mode) throws IOException {
        writeFile(m, path, Files.readString(file), mode);
    }

    /** A root-owned file written through docker's archive API: its content is in no argv. */
    private static void writeFile(TestMachine m, String path, String content, int mode) {
        m.container().copyFileToContainer(Transferable.of(content.getBytes(StandardCharsets.UTF_8), mode), path);
        assertEquals(Integer.toOctalString(mode) + " root", root(m, "stat -c '%a %U' " + path).stdout().trim(), path);
    }

    private static ExecResult root(TestMachine m, String script) {
        try {
            return sessions.get(m).run("sudo -n timeout " + REMOTE_TIMEOUT_SECONDS + " bash -s", script);
        } catch (IOException e) {
            throw new UncheckedIOException("ssh " + m.name() + ": " + script, e);
        }
    }

    private static String remoteSha256(TestMachine m, String path) {
        String out = root(m, "sha256sum " + path).orThrow("sha256sum " + path).stdout();
        return out.substring(0, out.indexOf(' '));
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String journal(TestMachine m, String unit) {
        return "\n--- journalctl -u " + unit + " on " + m.name() + " ---\n" + root(m, "journalctl -u " + unit + " --no-pager -n 40").stdout();
    }
}
