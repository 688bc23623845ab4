package io.seedbootstrap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.host.RelaySchedule.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class RelayScheduleTest {

    /** Records rounds and operator sends; hops end as {@code outcome} says. */
    private static final class Fake implements RelaySchedule.Transfers<String> {
        final List<Map<String, String>> rounds = new ArrayList<>();
        final List<String> direct = new ArrayList<>();
        final Map<String, Boolean> copyOk = new HashMap<>();
        final BiFunction<String, String, Outcome> outcome;

        Fake(BiFunction<String, String, Outcome> outcome) {
            this.outcome = outcome;
        }

        @Override
        public Map<String, Outcome> round(Map<String, String> hops) {
            rounds.add(new LinkedHashMap<>(hops));
            Map<String, Outcome> out = new HashMap<>();
            hops.forEach((from, to) -> out.put(to, outcome.apply(from, to)));
            return out;
        }

        @Override
        public void direct(List<String> hosts) {
            direct.addAll(hosts);
        }

        @Override
        public Map<String, Boolean> recheck(List<String> hosts) {
            Map<String, Boolean> out = new LinkedHashMap<>();
            hosts.forEach(h -> out.put(h, copyOk.getOrDefault(h, true)));
            return out;
        }
    }

    private static List<String> hosts(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("h" + i);
        }
        return out;
    }

    @Test
    void holdersDoubleEachRound() {
        Fake f = new Fake((a, b) -> Outcome.OK);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of("h1"), hosts(2, 8), f);
        // 8 hosts: 1 operator upload + ceil(log2 8) = 3 rounds, one stream per sender
        assertEquals(List.of(
                Map.of("h1", "h2"),
                Map.of("h1", "h3", "h2", "h4"),
                Map.of("h1", "h5", "h2", "h6", "h3", "h7", "h4", "h8")), f.rounds);
        assertEquals(3, p.rounds());
        assertEquals(List.of(), f.direct);
        assertEquals(7, p.servedBy().size());
    }

    @Test
    void hostsThatAlreadyHaveTheFileServeFromTheFirstRound() {
        Fake f = new Fake((a, b) -> Outcome.OK);
        new RelaySchedule<String>().run(List.of("h1", "h2", "h3"), hosts(4, 6), f);
        assertEquals(List.of(Map.of("h1", "h4", "h2", "h5", "h3", "h6")), f.rounds);
    }

    @Test
    void aCorruptCopyIsResentByTheOperatorAndItsSourceIsNeverUsedAgain() {
        Fake f = new Fake((a, b) -> a.equals("h1") ? Outcome.CORRUPT : Outcome.OK);
        f.copyOk.put("h1", false);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of("h1"), hosts(2, 4), f);
        assertEquals(List.of("h2", "h1"), f.direct);
        assertEquals(Set.of("h1"), p.suspects());
        // h2 (re-sent by the operator) serves the rest; h1 never again
        assertEquals(List.of(Map.of("h1", "h2"), Map.of("h2", "h3"), Map.of("h2", "h4")), f.rounds);
        assertEquals(Map.of("h3", "h2", "h4", "h2"), p.servedBy());
    }

    @Test
    void aSourceWhoseOwnCopyIsStillGoodKeepsItButServesNoMore() {
        Fake f = new Fake((a, b) -> a.equals("h1") ? Outcome.CORRUPT : Outcome.OK);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of("h1"), hosts(2, 3), f);
        assertEquals(List.of("h2"), f.direct);
        assertEquals(List.of(Map.of("h1", "h2"), Map.of("h2", "h3")), f.rounds);
        assertEquals(Set.of("h1"), p.suspects());
    }

    @Test
    void aFailedHopFallsBackToTheOperatorAndTheSenderStaysASource() {
        Fake f = new Fake((a, b) -> b.equals("h2") ? Outcome.FAILED : Outcome.OK);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of("h1"), hosts(2, 4), f);
        assertEquals(List.of("h2"), f.direct);
        assertEquals(List.of(Map.of("h1", "h2"), Map.of("h1", "h3", "h2", "h4")), f.rounds);
        assertEquals(Set.of(), p.suspects());
    }

    @Test
    void everyBadSourceIsDroppedInTurnAndEveryReceiverEndsWithTheOperatorsCopy() {
        Fake f = new Fake((a, b) -> Outcome.CORRUPT);
        f.copyOk.put("h1", false);
        f.copyOk.put("h2", false);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of("h1"), hosts(2, 4), f);
        // h1 serves h2 badly (both re-sent), h2 then serves h3 badly (both re-sent), h3 serves h4 badly
        assertEquals(List.of("h2", "h1", "h3", "h2", "h4"), f.direct);
        assertEquals(List.of(Map.of("h1", "h2"), Map.of("h2", "h3"), Map.of("h3", "h4")), f.rounds);
        assertEquals(Set.of("h1", "h2", "h3"), p.suspects());
        assertEquals(Map.of(), p.servedBy());
    }

    @Test
    void withoutAnySourceTheOperatorSendsToEveryone() {
        Fake f = new Fake((a, b) -> Outcome.OK);
        RelaySchedule.Plan<String> p = new RelaySchedule<String>().run(List.of(), hosts(1, 3), f);
        assertEquals(hosts(1, 3), f.direct);
        assertEquals(0, p.rounds());
    }
}
