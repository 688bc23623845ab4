package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.ssh.HashCache;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.testvm.ExecResult;
import io.seedbootstrap.testvm.HostState;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Preflight on three test machines (vm1 server, vm2 and vm3 agents), reached over SSH as
 * {@code admin} with sudo, each on its own loopback address (127.0.0.11-13, the port Docker
 * publishes) with its node IP on the machines' network. Each test breaks one thing through
 * {@code docker exec}, runs preflight and puts the thing back. The converged-cluster test runs
 * last: it leaves the RKE2 contract double running on vm1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreflightIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(3).build();

    private static Path dir;

    @BeforeAll
    static void knownHostsForLoopbackAddresses() throws IOException {
        if (machines.machines().isEmpty()) {
            return;
        }
        dir = Files.createTempDirectory("preflight-it-");
        // TestMachines records the keys under localhost/127.0.0.1; each machine has its own loopback address here
        StringBuilder lines = new StringBuilder(Files.readString(machines.knownHosts()));
        for (int i = 0; i < 3; i++) {
            TestMachine m = machines.get(i);
            for (String key : m.hostKeys()) {
                lines.append("[").append(address(i)).append("]:").append(m.sshPort()).append(' ').append(key).append('\n');
            }
        }
        Files.writeString(dir.resolve("known_hosts"), lines.toString());
    }

    @AfterAll
    static void removeDir() throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String address(int index) {
        return "127.0.0." + (11 + index);
    }

    /** The inventory; {@code preflight} and {@code registration} replace the defaults, {@code extraHost} adds a host line. */
    private static String inventoryYaml(String preflight, String registration, String extraHost) {
        List<String> lines = new ArrayList<>(List.of(
                "cluster:",
                "  name: seed-it",
                "  rke2Version: v1.35.7+rke2r1",
                "  registrationAddress: " + (registration != null ? registration : machines.get(0).ip()),
                "ssh:",
                "  user: admin",
                "  identityFile: " + machines.privateKey(),
                "  knownHosts: " + dir.resolve("known_hosts"),
                "  connectTimeoutSeconds: 5",
                preflight != null ? preflight
                        : "preflight: {server: {cpus: 1, memoryMiB: 128, diskGiB: 1}, agent: {cpus: 1, memoryMiB: 128, diskGiB: 1}}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:"));
        for (int i = 0; i < 3; i++) {
            TestMachine m = machines.get(i);
            lines.add("  - {name: " + m.name() + ", address: " + address(i) + ", role: " + (i == 0 ? "server" : "agent")
                    + ", nodeIp: " + m.ip() + ", ssh: {port: " + m.sshPort() + "}}");
        }
        if (extraHost != null) {
            lines.add(extraHost);
        }
        return String.join("\n", lines) + "\n";
    }

    private static Path writeInventory(String yaml) throws IOException {
        return Files.writeString(dir.resolve("inventory-" + System.nanoTime() + ".yaml"), yaml);
    }

    /** The progress lines of the last {@link #preflight(String)}. */
    private static final List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>());

    private static PreflightReport preflight(String yaml) throws IOException {
        Inventory inventory = new InventoryLoader(Environment.of(Map.of()), dir)
                .loadOrThrow(writeInventory(yaml), LoadOptions.defaults()).inventory();
        SshOptions options = SshOptions.defaults().withHashCache(new HashCache(dir.resolve("sha256.cache")))
                .withKeepAlive(Duration.ofSeconds(2), 3);
        progress.clear();
        PreflightReport report = new Preflight(new Hosts(Hosts.Limits.defaults()), (h, m) -> {
                    progress.add(h + ": " + m);
                    System.err.println("preflight " + h + ": " + m);
                })
                .run(inventory, host -> RemoteHost.connect(SshTarget.of(host, inventory.ssh()), options));
        System.err.print(PreflightTable.render(report));
        for (TestMachine m : machines.machines()) {
            assertEquals("", m.sh("pgrep -af '" + Reachability.MARKER.replaceFirst(".$", "[$0]") + "' || true").stdout().trim(),
                    "a temporary listener survived preflight on " + m.name());
        }
        return report;
    }

    private static PreflightReport preflight() throws IOException {
        return preflight(inventoryYaml(null, null, null));
    }

    private static CheckResult row(PreflightReport report, String host, Check check) {
        return report.find(host, check).orElseThrow(() -> new AssertionError("no row " + host + " " + check.key()));
    }

    private static void assertOnlyFailures(PreflightReport report, String... hostChecks) {
        List<String> failed = report.failures().stream().map(r -> r.host() + " " + r.check().key()).sorted().toList();
        assertEquals(Stream.of(hostChecks).sorted().toList(), failed, PreflightTable.render(report));
    }

    private static void root(TestMachine m, String script) {
        ExecResult r = m.sh(script);
        assertEquals(0, r.exitCode(), m.name() + ": " + script + "\n" + r.stdout() + r.stderr());
    }

    // --- tests ------------------------------------------------------------------------------

    @Test
    @Order(1)
    void cleanMachinesPassAndPreflightChangesNothing() throws IOException {
        for (TestMachine m : machines.machines()) {
            // Debian's sudo writes ~/.sudo_as_admin_successful at a sudo-group member's first sudo ever: sudo's
            // own bookkeeping, there after any earlier sudo. Let it happen before the snapshot, so the comparison
            // below covers everything preflight does, unfiltered.
            root(m, "su admin -c 'sudo -n true'");
        }
        List<HostState> before = machines.machines().stream().map(HostState::wholeFileSystem).toList();
        PreflightReport report = preflight();
        List<HostState> after = machines.machines().stream().map(HostState::wholeFileSystem).toList();
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), after.get(i).changesSince(before.get(i)), "preflight changed something on " + machines.get(i).name());
        }
        assertFalse(report.failed(), PreflightTable.render(report));
        // every host has a row for every check
        for (TestMachine m : machines.machines()) {
            for (Check c : Check.values()) {
                assertTrue(report.find(m.name(), c).isPresent(), "no row " + m.name() + " " + c.key());
            }
        }
        CheckResult reached = row(report, "vm2", Check.SERVER_PORTS_REACHABLE);
        assertEquals(Result.PASS, reached.result());
        assertEquals("reached vm1 " + machines.get(0).ip() + ":9345, vm1 " + machines.get(0).ip() + ":6443", reached.detail());
        assertEquals(Result.PASS, row(report, "vm3", Check.REGISTRATION_ADDRESS).result());
        assertEquals(Result.PASS, row(report, "vm1", Check.SUDO).result());
        assertEquals(Result.PASS, row(report, "vm1", Check.CLOCK).result());
    }

    @Test
    @Order(2)
    void aPortTakenByAnotherProcessFailsNamingTheProcess() throws IOException {
        TestMachine s = machines.get(0);
        root(s, "setsid timeout 120 socat TCP-LISTEN:9345,reuseaddr,fork OPEN:/dev/null >/dev/null 2>&1 </dev/null &"
                + " for i in $(seq 50); do ss -ltn 'sport = :9345' | grep -q LISTEN && exit 0; sleep 0.1; done; exit 1");
        try {
            PreflightReport report = preflight();
            assertOnlyFailures(report, "vm1 ports");
            String detail = row(report, "vm1", Check.PORTS).detail();
            assertTrue(detail.matches("9345 \\(RKE2 supervisor\\) is held by socat \\(pid \\d+\\) on .*"), detail);
            // the foreign listener still answers, so the cross-host probe reached it (no temporary listener on 9345)
            assertEquals(Result.PASS, row(report, "vm2", Check.SERVER_PORTS_REACHABLE).result());
        } finally {
            root(s, "pkill -x socat; true");
        }
    }

    @Test
    @Order(3)
    void aDuplicateMachineIdFailsOnBothHosts() throws IOException {
        TestMachine a = machines.get(0);
        TestMachine b = machines.get(2);
        String original = b.sh("cat /etc/machine-id").stdout().trim();
        String shared = a.sh("cat /etc/machine-id").stdout().trim();
        assertEquals(32, shared.length(), "machine-id of vm1: " + shared);
        root(b, "echo " + shared + " > /etc/machine-id");
        try {
            PreflightReport report = preflight();
            assertOnlyFailures(report, "vm1 machine-id-unique", "vm3 machine-id-unique");
            assertTrue(row(report, "vm3", Check.MACHINE_ID_UNIQUE).detail().startsWith("machine-id " + shared + " is also vm1's"));
        } finally {
            root(b, "echo " + original + " > /etc/machine-id");
        }
    }

    @Test
    @Order(4)
    void aSkewedClockFailsOnThatHostOnly() throws IOException {
        TestMachine m = machines.get(1);
        // only `date` of this machine goes through faketime; the shared kernel's clock is never touched
        m.container().copyFileToContainer(Transferable.of(("#!/bin/sh\n"
                + "exec env PATH=/usr/bin:/bin faketime -f '-1h' /bin/date \"$@\"\n").getBytes(StandardCharsets.UTF_8), 0755),
                "/usr/local/bin/date");
        try {
            long shifted = Long.parseLong(m.sh("/usr/local/bin/date +%s").stdout().trim());
            assertTrue(Math.abs(System.currentTimeMillis() / 1000 - 3600 - shifted) < 60, "the shim does not shift the clock by 1 h");
            PreflightReport report = preflight();
            assertOnlyFailures(report, "vm2 clock");
            // an hour behind, give or take the probe's round trip
            assertTrue(row(report, "vm2", Check.CLOCK).detail().matches("clock is -(3599|3600)\\.\\d s off the operator's machine .*"),
                    row(report, "vm2", Check.CLOCK).detail());
        } finally {
            root(m, "rm -f /usr/local/bin/date");
        }
    }

    @Test
    @Order(5)
    void tooLittleMemoryByTheConfiguredMinimumFailsThroughTheCommandWithExit3() throws IOException {
        long memTotalMiB = Long.parseLong(machines.get(0).sh("awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo").stdout().trim());
        String preflight = "preflight: {server: {cpus: 1, memoryMiB: " + (memTotalMiB * 2) + ", diskGiB: 1},"
                + " agent: {cpus: 1, memoryMiB: 128, diskGiB: 1}}";
        Path file = writeInventory(inventoryYaml(preflight, null, null));
        CommandRunner.Result r = CommandRunner.run(Map.of(), dir, "preflight", file.toString());
        assertEquals(3, r.exitCode(), r.out() + r.err());
        List<String> failed = r.out().lines().filter(l -> l.contains(" FAIL ")).toList();
        assertEquals(1, failed.size(), r.out());
        assertTrue(failed.get(0).matches("vm1\\s+memory\\s+FAIL\\s+" + memTotalMiB + " MiB, below the server minimum of "
                + (memTotalMiB * 2) + " MiB.*"), failed.get(0));
        assertTrue(r.out().strip().endsWith("preflight failed: 1 failure(s), " + countWarnings(r.out()) + " warning(s) on 3 host(s)"), r.out());
    }

    private static long countWarnings(String table) {
        return table.lines().filter(l -> l.contains(" WARN ")).count();
    }

    @Test
    @Order(6)
    void anUnreachableRegistrationAddressAndAnUnreachableHostAreReportedTogether() throws IOException {
        String subnet = machines.subnet();
        String nobody = subnet.substring(0, subnet.lastIndexOf('.')) + ".250"; // on the test network, no machine has it
        String extra = "  - {name: vm9, address: 127.0.0.99, role: agent, nodeIp: 10.255.0.9, ssh: {port: 1}}";
        PreflightReport report = preflight(inventoryYaml(null, nobody, extra));
        assertOnlyFailures(report, "vm1 registration-address", "vm2 registration-address", "vm3 registration-address", "vm9 reachable");
        String detail = row(report, "vm2", Check.REGISTRATION_ADDRESS).detail();
        // an address nobody holds on the local network: the first try times out while ARP asks; the
        // second may then fail fast with the kernel's "No route to host" (the neighbour entry failed)
        String noAnswer = "\\((no answer within 3 s, tried 2 times|No route to host)\\)";
        String ip = java.util.regex.Pattern.quote(nobody);
        assertTrue(detail.matches("cannot reach " + ip + ":9345 " + noAnswer + ", " + ip + ":6443 " + noAnswer + ": .*"), detail);
        assertTrue(row(report, "vm9", Check.REACHABLE).detail().contains("127.0.0.99"), row(report, "vm9", Check.REACHABLE).detail());
        assertEquals(Result.SKIPPED, row(report, "vm9", Check.AUTH).result());
        assertEquals(Result.PASS, row(report, "vm2", Check.SERVER_PORTS_REACHABLE).result());
    }

    @Test
    @Order(7)
    void skippedChecksAreReportedAsSkipped() throws IOException {
        PreflightReport report = preflight(inventoryYaml("preflight: {server: {cpus: 1, memoryMiB: 16777216, diskGiB: 1},"
                + " agent: {cpus: 1, memoryMiB: 128, diskGiB: 1}, skip: [memory, server-ports-reachable, registration-address]}",
                null, null));
        assertFalse(report.failed(), PreflightTable.render(report));
        for (TestMachine m : machines.machines()) {
            assertEquals(Result.SKIPPED, row(report, m.name(), Check.MEMORY).result());
            assertEquals(Result.SKIPPED, row(report, m.name(), Check.REGISTRATION_ADDRESS).result());
        }
    }

    @Test
    @Order(8)
    void aKubeletPortRefusedByAFirewallFailsOnEveryOtherHost() throws IOException {
        TestMachine agent = machines.get(2);
        // what a host firewall refusing 10250 looks like from the other nodes (test machines have NET_ADMIN in their own netns)
        String rule = "INPUT -p tcp --dport 10250 -j REJECT --reject-with tcp-reset";
        root(agent, "iptables -I " + rule);
        try {
            PreflightReport report = preflight();
            assertOnlyFailures(report, "vm1 kubelet-reachable", "vm2 kubelet-reachable");
            String detail = row(report, "vm2", Check.KUBELET_REACHABLE).detail();
            assertTrue(detail.startsWith("vm2 cannot reach the kubelet port of vm3 " + agent.ip() + ":10250 (connection refused): "
                    + "open 10250/tcp on vm3 to every node"), detail);
            assertEquals("reached vm1 " + machines.get(0).ip() + ":10250, vm2 " + machines.get(1).ip() + ":10250",
                    row(report, "vm3", Check.KUBELET_REACHABLE).detail());
        } finally {
            root(agent, "iptables -D " + rule);
        }
    }

    @Test
    @Order(9)
    void aConvergedClusterPassesWithItsPortsHeldByRke2() throws Exception {
        TestMachine s = machines.get(0);
        TestMachine a = machines.get(1);
        installDoubleByHand(List.of(s, a));
        String token = "srv" + Long.toHexString(System.nanoTime());
        writeFile(s, "/etc/rancher/rke2/config.yaml", "token: " + token + "\nnode-ip: " + s.ip() + "\n");
        root(s, "timeout 120 systemctl start rke2-server");
        String agentToken = s.sh("cat /var/lib/rancher/rke2/server/token").stdout().trim();
        writeFile(a, "/etc/rancher/rke2/agent-token", agentToken + "\n");
        writeFile(a, "/etc/rancher/rke2/config.yaml", "server: https://" + s.ip() + ":9345\ntoken-file: /etc/rancher/rke2/agent-token\n"
                + "node-ip: " + a.ip() + "\n");
        root(a, "timeout 120 systemctl start rke2-agent");

        PreflightReport report = preflight();
        assertFalse(report.failed(), PreflightTable.render(report));
        String ports = row(report, "vm1", Check.PORTS).detail();
        assertTrue(ports.startsWith("held by this cluster's RKE2 (rke2-server active): 6443 (rke2), 9345 (rke2), 10250 (rke2), 2379 (etcd)"),
                ports);
        assertTrue(row(report, "vm2", Check.PORTS).detail().startsWith("held by this cluster's RKE2 (rke2-agent active): 10250 (rke2)"),
                row(report, "vm2", Check.PORTS).detail());
        assertEquals(Result.PASS, row(report, "vm2", Check.SERVER_PORTS_REACHABLE).result());
        // every port of the cluster's nodes is held by it (the double holds the kubelet's too), so the probes reach the
        // live services and only vm3, which runs no RKE2, needs a temporary listener
        assertEquals(Result.PASS, row(report, "vm1", Check.KUBELET_REACHABLE).result());
        assertEquals(Result.PASS, row(report, "vm2", Check.KUBELET_REACHABLE).result());
        assertEquals(List.of("vm3: temporary listeners on [10250] until the probes are done"),
                progress.stream().filter(line -> line.contains("temporary listeners")).toList());
        assertEquals("active", s.sh("systemctl is-active rke2-server").stdout().trim(), "preflight disturbed rke2-server");
    }

    /**
     * A run that dies while its listeners are held (its SSH connection ends without releasing
     * them) leaves no listener behind, long before their 900 s backstop: the hold's stdin ends
     * with the channel and the host stops them.
     */
    @Test
    @Order(10)
    void listenersHeldByARunThatDiesStopWithItsConnection() throws Exception {
        TestMachine m = machines.get(2);
        Inventory inventory = new InventoryLoader(Environment.of(Map.of()), dir)
                .loadOrThrow(writeInventory(inventoryYaml(null, null, null)), LoadOptions.defaults()).inventory();
        RemoteHost remote = RemoteHost.connect(SshTarget.of(inventory.hosts().get(2), inventory.ssh()), SshOptions.defaults());
        io.seedbootstrap.node.NodeProbes probes = io.seedbootstrap.node.NodeProbes.over(remote);
        Map<Integer, io.seedbootstrap.node.NodeProbes.Started> started = probes.startListeners("python3", List.of(10250),
                Reachability.LISTENER_BACKSTOP_SECONDS);
        assertTrue(started.get(10250).bound(), started.toString());
        Thread hold = new Thread(() -> {
            try {
                probes.holdListeners(List.of(started.get(10250).processGroup()), new java.util.concurrent.CountDownLatch(1),
                        Reachability.LISTENER_BACKSTOP_SECONDS);
            } catch (RuntimeException e) {
                // the connection is closed under it: what a dying run looks like
            }
        });
        hold.setDaemon(true);
        hold.start();
        String listening = "ss -ltnH 'sport = :10250'";
        Thread.sleep(1000);
        assertTrue(!m.sh(listening).stdout().isBlank(), "the held listener answers");
        remote.close(); // never released
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!m.sh(listening).stdout().isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("", m.sh(listening).stdout().trim(), "the listener outlived the run's connection on " + m.name());
    }

    private static void installDoubleByHand(List<TestMachine> targets) throws Exception {
        Path script = TestMachines.findRepoFile("test-vms/rke2-double/make-artifacts.sh");
        assertTrue(script != null, "make-artifacts.sh not found");
        Path artifacts = Files.createTempDirectory(dir, "artifacts-");
        Process p = new ProcessBuilder("bash", script.toString(), artifacts.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "make-artifacts.sh failed:\n" + out);
        for (TestMachine m : targets) {
            try (Stream<Path> files = Files.list(artifacts)) {
                for (Path f : files.collect(Collectors.toList())) {
                    m.container().copyFileToContainer(MountableFile.forHostPath(f, 0644), "/root/rke2-artifacts/" + f.getFileName());
                }
            }
            // contract A.2 tarball install by hand, as Rke2DoubleIT does
            root(m, "set -e; cd /root/rke2-artifacts; sha256sum -c --quiet sha256sum-amd64.txt;"
                    + " tar xzf rke2.linux-amd64.tar.gz -C /usr/local; mkdir -p /var/lib/rancher/rke2/agent/images /etc/rancher/rke2;"
                    + " systemctl daemon-reload");
        }
    }

    private static void writeFile(TestMachine m, String path, String content) {
        m.container().copyFileToContainer(Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0600), path);
    }
}
