package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.node.NodeProbes;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeParsingTest {
    @Test
    void connectOutcomes() {
        Reachability.Target t = new Reachability.Target("s1", "10.0.0.11", 9345);
        assertEquals(Reachability.Outcome.OK, Reachability.parseOutcome(t, new NodeProbes.Connect(0, "")).outcome());
        assertEquals(Reachability.Outcome.TIMEOUT, Reachability.parseOutcome(t, new NodeProbes.Connect(124, "")).outcome());
        assertEquals(Reachability.Outcome.REFUSED,
                Reachability.parseOutcome(t, new NodeProbes.Connect(1, "bash: line 1: connect: Connection refused")).outcome());
        Reachability.Probe unknown = Reachability.parseOutcome(t, new NodeProbes.Connect(1, "bash: line 1: nohost: Name or service not known"));
        assertEquals(Reachability.Outcome.ERROR, unknown.outcome());
        assertEquals("Name or service not known", unknown.note());
        assertEquals(Reachability.Outcome.ERROR, Reachability.parseOutcome(t, null).outcome());
    }

    @Test
    void judgeNamesEveryUnreachableTargetAndWarnsForUntestedOnes() {
        Reachability.Target a = new Reachability.Target("s1", "10.0.0.11", 9345);
        Reachability.Target b = new Reachability.Target("s2", "10.0.0.12", 6443);
        CheckResult fail = Reachability.judge("a1", Check.SERVER_PORTS_REACHABLE, List.of(
                new Reachability.Probe(a, Reachability.Outcome.TIMEOUT, "no answer within 3 s, tried 2 times"),
                new Reachability.Probe(b, Reachability.Outcome.OK, "")));
        assertEquals(Result.FAIL, fail.result());
        assertTrue(fail.detail().startsWith("cannot reach s1 10.0.0.11:9345 (no answer within 3 s, tried 2 times): open 9345 and 6443/tcp"), fail.detail());
        CheckResult warn = Reachability.judge("a1", Check.SERVER_PORTS_REACHABLE, List.of(
                new Reachability.Probe(a, Reachability.Outcome.NOT_TESTED, "no temporary listener possible"),
                new Reachability.Probe(b, Reachability.Outcome.OK, "")));
        assertEquals(Result.WARN, warn.result());
    }
}
