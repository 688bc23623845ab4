package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LineDiffTest {
    @Test
    void marksRemovedAndAddedLinesAndKeepsTheRest() {
        assertEquals("  cni: canal\n- node-ip: 10.0.0.1\n+ node-ip: 10.0.0.2\n  tls-san: a\n+ profile: cis",
                LineDiff.diff("cni: canal\nnode-ip: 10.0.0.1\ntls-san: a\n", "cni: canal\nnode-ip: 10.0.0.2\ntls-san: a\nprofile: cis\n"));
    }

    @Test
    void identicalTextsHaveOnlyUnchangedLines() {
        assertEquals("  a\n  b", LineDiff.diff("a\nb", "a\nb\n"));
    }
}
