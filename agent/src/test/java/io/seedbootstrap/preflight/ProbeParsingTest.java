package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeParsingTest {
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
    void connectOutcomes() {
        Reachability.Target t = new Reachability.Target("s1", "10.0.0.11", 9345);
        assertEquals(Reachability.Outcome.OK, Reachability.parseOutcome(t, "0 0 ").outcome());
        assertEquals(Reachability.Outcome.TIMEOUT, Reachability.parseOutcome(t, "0 124 ").outcome());
        assertEquals(Reachability.Outcome.REFUSED,
                Reachability.parseOutcome(t, "0 1 bash: line 1: connect: Connection refused").outcome());
        Reachability.Probe unknown = Reachability.parseOutcome(t, "0 1 bash: line 1: nohost: Name or service not known");
        assertEquals(Reachability.Outcome.ERROR, unknown.outcome());
        assertEquals("Name or service not known", unknown.note());
        assertEquals(Reachability.Outcome.ERROR, Reachability.parseOutcome(t, null).outcome());
    }

    @Test
    void judgeNamesEveryUnreachableTargetAndWarnsForUntestedOnes() {
        Reachability.Target a = new Reachability.Target("s1", "10.0.0.11", 9345);
        Reachability.Target b = new Reachability.Target("s2", "10.0.0.12", 6443);
        CheckResult fail = Reachability.judge("a1", Check.SERVER_PORTS_REACHABLE, List.of(
                new Reachability.Probe(a, Reachability.Outcome.TIMEOUT, "no answer within 3 s"),
                new Reachability.Probe(b, Reachability.Outcome.OK, "")));
        assertEquals(Result.FAIL, fail.result());
        assertTrue(fail.detail().startsWith("cannot reach s1 10.0.0.11:9345 (no answer within 3 s): open 9345 and 6443/tcp"), fail.detail());
        CheckResult warn = Reachability.judge("a1", Check.SERVER_PORTS_REACHABLE, List.of(
                new Reachability.Probe(a, Reachability.Outcome.NOT_TESTED, "no temporary listener possible"),
                new Reachability.Probe(b, Reachability.Outcome.OK, "")));
        assertEquals(Result.WARN, warn.result());
    }

    @Test
    void listenersAreBoundedInTimeDetachedAndKilledOnlyWhenStillOurs() {
        String start = Reachability.startScript("python3", List.of(9345, 6443), 20);
        assertEquals(2, start.lines().filter(l -> l.startsWith("setsid timeout 20 python3 -c ")).count(), start);
        assertTrue(start.contains(" 9345 " + Reachability.MARKER + " >/dev/null 2>&1 </dev/null &"), start);
        String stop = Reachability.stopScript(List.of(41L));
        assertEquals("if grep -qa " + Reachability.MARKER + " /proc/41/cmdline 2>/dev/null; then kill -- -41 2>/dev/null; fi\ntrue\n", stop);
    }
}
