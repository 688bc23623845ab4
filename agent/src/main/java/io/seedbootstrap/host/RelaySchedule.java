package io.seedbootstrap.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who copies a file to whom, in rounds: every host that has a verified copy sends to one host
 * that does not, so the number of holders doubles each round (binomial broadcast). With N
 * receivers the wall time is one operator transfer plus ceil(log2 N) host-to-host transfers,
 * and no host sends more than one stream at a time (a host's uplink is not split between
 * receivers, unlike a star from the first host, which takes N-1 transfer times).
 *
 * <p>A receiver whose copy does not verify is sent the file by the operator instead, and the
 * host that served it is never used as a source again (its own copy is checked once more and
 * re-sent by the operator when it is bad). A hop that fails for any other reason (the peers
 * cannot reach each other, root login is off) also falls back to the operator. Pure logic; the
 * transfers are the callbacks, so tests drive it without hosts.
 *
 * @param <H> a host
 */
final class RelaySchedule<H> {

    /** How one host-to-host copy ended. */
    enum Outcome {
        /** The receiver verified its copy (or already had the file). */
        OK,
        /** The receiver's sha256 did not match: the sender served a corrupted copy. */
        CORRUPT,
        /** Anything else: the hop could not be made. */
        FAILED
    }

    /** What the schedule needs done; each call may run in parallel with others of its round. */
    interface Transfers<H> {
        /** Copies the file from {@code from} to each receiver of {@code hops} (one hop per sender). */
        Map<H, Outcome> round(Map<H, H> hops);

        /** Sends the file from the operator to each host; they all end with a verified copy. */
        void direct(List<H> hosts);

        /** True when {@code host}'s own copy still has the right sha256. */
        Map<H, Boolean> recheck(List<H> hosts);
    }

    /** Where each host got the file from: a host, or null for the operator. */
    record Plan<H>(Map<H, H> servedBy, List<H> direct, Set<H> suspects, int rounds) {}

    /**
     * @param holders hosts that already have a verified copy (at least one)
     * @param pending hosts that need it, in order
     */
    Plan<H> run(List<H> holders, List<H> pending, Transfers<H> transfers) {
        List<H> sources = new ArrayList<>(holders);
        List<H> todo = new ArrayList<>(pending);
        Map<H, H> servedBy = new LinkedHashMap<>();
        List<H> direct = new ArrayList<>();
        Set<H> suspects = new LinkedHashSet<>();
        int rounds = 0;
        while (!todo.isEmpty()) {
            if (sources.isEmpty()) {
                // every source served a bad copy: the operator sends the rest
                transfers.direct(todo);
                direct.addAll(todo);
                todo.clear();
                break;
            }
            Map<H, H> hops = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(sources.size(), todo.size()); i++) {
                hops.put(sources.get(i), todo.get(i));
            }
            todo.subList(0, hops.size()).clear();
            rounds++;
            Map<H, Outcome> outcomes = transfers.round(hops);
            List<H> resend = new ArrayList<>();
            List<H> badSenders = new ArrayList<>();
            for (Map.Entry<H, H> hop : hops.entrySet()) {
                H from = hop.getKey();
                H to = hop.getValue();
                Outcome o = outcomes.get(to);
                if (o == Outcome.OK) {
                    servedBy.put(to, from);
                    sources.add(to);
                } else {
                    resend.add(to);
                    if (o == Outcome.CORRUPT) {
                        badSenders.add(from);
                    }
                }
            }
            if (!badSenders.isEmpty()) {
                sources.removeAll(badSenders);
                suspects.addAll(badSenders);
                transfers.recheck(badSenders).forEach((h, ok) -> {
                    if (!ok) {
                        resend.add(h);
                        servedBy.remove(h);
                    }
                });
            }
            if (!resend.isEmpty()) {
                transfers.direct(resend);
                direct.addAll(resend);
                // sent and verified by the operator: good sources, unless they served a bad copy
                resend.stream().filter(h -> !suspects.contains(h)).forEach(sources::add);
            }
        }
        return new Plan<>(servedBy, direct, suspects, rounds);
    }
}
