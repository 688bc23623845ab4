package io.seedbootstrap.phase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every change of one run, per host, in the order it was made (or would be). Thread-safe. */
public final class Plan {
    private final List<PlannedChange> changes = new ArrayList<>();

    synchronized void add(PlannedChange change) {
        changes.add(change);
    }

    public synchronized List<PlannedChange> changes() {
        return List.copyOf(changes);
    }

    /** The changes that outlive the run (not the run's own bookkeeping such as the host lock). */
    public synchronized List<PlannedChange> lastingChanges() {
        return changes.stream().filter(PlannedChange::lasting).toList();
    }

    /** How many lasting changes (done, failed or planned) this run made on {@code host} so far: what it read before may be stale once this grows. */
    public synchronized long lastingChangesOn(String host) {
        return changes.stream().filter(c -> c.lasting() && c.host().equals(host)).count();
    }

    /** Changes grouped by host, hosts in the order they first changed. */
    public synchronized Map<String, List<PlannedChange>> byHost() {
        Map<String, List<PlannedChange>> grouped = new LinkedHashMap<>();
        for (PlannedChange change : lastingChanges()) {
            grouped.computeIfAbsent(change.host(), h -> new ArrayList<>()).add(change);
        }
        return grouped;
    }

    /** The plan as a person reads it: one block per host, one line per change. */
    public String render() {
        Map<String, List<PlannedChange>> grouped = byHost();
        if (grouped.isEmpty()) {
            return "No changes: every host is already as the inventory describes.\n";
        }
        StringBuilder out = new StringBuilder();
        grouped.forEach((host, list) -> {
            out.append(host).append(" (").append(list.size()).append(list.size() == 1 ? " change" : " changes").append(")\n");
            for (PlannedChange change : list) {
                out.append("  ").append(change.status() == PlannedChange.Status.PLANNED ? "+ " : change.status() == PlannedChange.Status.DONE ? "✓ " : "✗ ")
                        .append(change.description()).append("   [").append(change.phase()).append("]\n");
            }
        });
        return out.toString();
    }
}
