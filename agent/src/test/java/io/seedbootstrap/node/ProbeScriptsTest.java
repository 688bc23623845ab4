package io.seedbootstrap.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probes' shell text and the parsing of what it prints. */
class ProbeScriptsTest {
    @Test
    void ssListenersWithAndWithoutOwners() {
        String out = String.join("\n",
                "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                "LISTEN 0      4096         0.0.0.0:9345      0.0.0.0:*    users:((\"rke2\",pid=812,fd=7))",
                "LISTEN 0      128        127.0.0.1:2381      0.0.0.0:*    users:((\"etcd\",pid=901,fd=9),(\"etcd\",pid=901,fd=10))",
                "LISTEN 0      128             [::]:22           [::]:*",
                "");
        assertEquals(List.of(new Listener("0.0.0.0", 9345, "rke2", 812), new Listener("127.0.0.1", 2381, "etcd", 901),
                new Listener("[::]", 22, "", 0)), RootProbe.parse(out));
    }

    @Test
    void listenersAreBoundedInTimeDetachedAndKilledOnlyWhenStillOurs() {
        String start = PortProbes.startScript("python3", List.of(9345, 6443), 20);
        assertEquals(2, start.lines().filter(l -> l.startsWith("setsid timeout 20 python3 -c ")).count(), start);
        assertTrue(start.contains(" 9345 " + PortProbes.MARKER + " >/dev/null 2>&1 </dev/null &"), start);
        String stop = PortProbes.stopScript(List.of(41L));
        assertEquals("if grep -qa " + PortProbes.MARKER + " /proc/41/cmdline 2>/dev/null; then kill -- -41 2>/dev/null; fi\ntrue\n", stop);
    }

    @Test
    void startedListenersAreReadPerPort() {
        Map<Integer, NodeProbes.Started> started = PortProbes.parseStarted("pid 41 9345 bound\npid 42 6443 unbound\nnoise\n");
        assertEquals(Map.of(9345, new NodeProbes.Started(41, true), 6443, new NodeProbes.Started(42, false)), started);
    }

    @Test
    void connectsRunAtMostThirtyTwoAtATime() {
        List<NodeProbes.Endpoint> targets = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            targets.add(new NodeProbes.Endpoint("10.0.1." + i, 10250));
        }
        String script = PortProbes.shellConnectScript(targets);
        List<String> lines = script.lines().toList();
        assertEquals(3, lines.stream().filter(l -> l.equals("wait")).count(), script);
        assertEquals("wait", lines.get(1 + 32 + 1), "a wait after the first 32 probes");
        assertEquals("wait", lines.get(lines.size() - 1));
        assertEquals(3, PortProbes.waves(70));
    }

    @Test
    void everyTargetGetsItsOwnLineAndAMissingOneIsNull() {
        List<NodeProbes.Connect> results = PortProbes.parseConnects("1 0 \n0 1 bash: line 1: connect: Connection refused\n", 3);
        assertEquals(new NodeProbes.Connect(1, "bash: line 1: connect: Connection refused"), results.get(0));
        assertEquals(new NodeProbes.Connect(0, ""), results.get(1));
        assertNull(results.get(2));
    }

    /**
     * The connect script in a real bash against loopback: an open port connects, a closed one is
     * refused at once, and a try that timed out (a stand-in timeout that gives up on the first
     * try of each target, as a starved host does) is tried again before it counts.
     */
    @Test
    void aTimedOutConnectIsTriedAgainAndARefusedOneIsNot(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path timeout = bin.resolve("timeout");
        Files.writeString(timeout, "#!/bin/bash\n"
                + "f=" + dir.resolve("tries") + "-${*: -1}\n"
                + "echo x >> \"$f\"\n"
                + "[ \"$(wc -l < \"$f\")\" -eq 1 ] && exit 124\n"
                + "exec /usr/bin/timeout \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(timeout, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerSocket open = new ServerSocket(0); ServerSocket closing = new ServerSocket(0)) {
            int closed = closing.getLocalPort();
            closing.close();
            List<NodeProbes.Endpoint> targets = List.of(new NodeProbes.Endpoint("127.0.0.1", open.getLocalPort()),
                    new NodeProbes.Endpoint("127.0.0.1", closed));
            ProcessBuilder bash = new ProcessBuilder("bash", "-c", PortProbes.shellConnectScript(targets)).redirectErrorStream(true);
            bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Process process = bash.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), out);
            List<NodeProbes.Connect> results = PortProbes.parseConnects(out, 2);
            assertEquals(0, results.get(0).exitCode(), out);
            assertTrue(results.get(1).exitCode() != 0 && results.get(1).error().contains("refused"), out);
            assertEquals(2, tries(dir, open.getLocalPort()), "the open port's first try timed out, the second connected");
            assertEquals(2, tries(dir, closed), "the closed port's first try timed out, the second was refused and final");
        }
    }

    /**
     * A listener started for 60 s lives while the hold command's stdin is open and is gone once
     * it closes (the run released it, or its SSH channel closed), long before its own timeout.
     */
    /**
     * A server's five listeners are started first and awaited in one loop (3 s at most in all,
     * where each port had its own 3 s wait before); each is reported bound, by its own pid.
     */
    @Test
    void listenersAreStartedFirstAndAwaitedTogether() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.add(s.getLocalPort());
            }
        }
        String script = PortProbes.startScript("python3", ports, 20);
        assertEquals(1, script.lines().filter(l -> l.startsWith("while [")).count(), script);
        assertTrue(script.lastIndexOf("setsid timeout") < script.indexOf("while ["), "every listener starts before the wait: " + script);
        Process start = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, start.waitFor(), out);
        Map<Integer, NodeProbes.Started> started = PortProbes.parseStarted(out);
        try {
            assertEquals(ports, List.copyOf(started.keySet()), out);
            assertEquals(5, started.values().stream().filter(NodeProbes.Started::bound).count(), out);
            assertEquals(5, started.values().stream().map(NodeProbes.Started::processGroup).distinct().count(), out);
        } finally {
            started.values().forEach(s -> ProcessHandle.of(s.processGroup()).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void aHeldListenerLivesUntilTheHoldsStdinEnds() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process start = new ProcessBuilder("bash", "-c", PortProbes.startScript("python3", List.of(port), 60)).redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, start.waitFor(), out);
        NodeProbes.Started started = PortProbes.parseStarted(out).get(port);
        assertTrue(started != null && started.bound(), out);
        ProcessHandle listener = ProcessHandle.of(started.processGroup()).orElseThrow();
        try {
            Process hold = new ProcessBuilder("bash", "-c", PortProbes.holdScript(List.of(started.processGroup()))).start();
            Thread.sleep(500);
            assertTrue(hold.isAlive(), "the hold waits for its stdin to end");
            assertTrue(listener.isAlive(), "the listener lives while held");
            hold.getOutputStream().close();
            assertTrue(hold.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the hold ends with its stdin");
            listener.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(!listener.isAlive(), "the listener is stopped when the hold's stdin ends");
        } finally {
            listener.destroyForcibly();
        }
    }

    /**
     * With python3 on the host the connects run in one python process (the timeout covers the TCP
     * connect, not starting a process per target): same lines as the shell's, an open port
     * connects, a closed one is refused; without python3 the shell version runs.
     */
    @Test
    void withPython3TheConnectsRunInOneProcessAndAnswerAsTheShellDoes() throws Exception {
        try (ServerSocket open = new ServerSocket(0); ServerSocket closing = new ServerSocket(0)) {
            int closed = closing.getLocalPort();
            closing.close();
            List<NodeProbes.Endpoint> targets = List.of(new NodeProbes.Endpoint("127.0.0.1", open.getLocalPort()),
                    new NodeProbes.Endpoint("127.0.0.1", closed), new NodeProbes.Endpoint("127.0.0.1", open.getLocalPort()));
            String script = PortProbes.connectScript(targets);
            assertTrue(script.startsWith("export LC_ALL=C\nif command -v python3 >/dev/null 2>&1; then exec python3 -c "), script);
            assertTrue(script.endsWith("fi\n" + PortProbes.shellConnectScript(targets)), "the shell version without python3: " + script);
            Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), out);
            assertEquals(3, out.lines().count(), out);
            List<NodeProbes.Connect> results = PortProbes.parseConnects(out, 3);
            assertEquals(new NodeProbes.Connect(0, ""), results.get(0), out);
            assertEquals(new NodeProbes.Connect(1, "Connection refused"), results.get(1), out);
            assertEquals(new NodeProbes.Connect(0, ""), results.get(2), out);
        }
    }

    private static long tries(Path dir, int port) throws IOException {
        return Files.readAllLines(dir.resolve("tries-" + port)).size();
    }
}
