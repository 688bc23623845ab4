package io.seedbootstrap.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        String script = PortProbes.connectScript(targets);
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
}
