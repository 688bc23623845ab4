package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a positioned map tree by dotted paths ("ssh.jumpHost.port"); sections appear where their first key does. */
final class TreeBuilder {
    private final Position position;
    private final Map<String, Slot> entries = new LinkedHashMap<>();

    private record Slot(Position keyPosition, Object value) {}

    TreeBuilder(Position position) {
        this.position = position;
    }

    boolean has(String path) {
        int dot = path.indexOf('.');
        Slot slot = entries.get(dot < 0 ? path : path.substring(0, dot));
        if (slot == null || dot < 0) {
            return slot != null;
        }
        return slot.value() instanceof TreeBuilder child && child.has(path.substring(dot + 1));
    }

    void put(String path, Position keyPosition, RawNode value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            entries.put(path, new Slot(keyPosition, value));
            return;
        }
        String key = path.substring(0, dot);
        Slot slot = entries.computeIfAbsent(key, k -> new Slot(keyPosition, new TreeBuilder(keyPosition)));
        if (slot.value() instanceof TreeBuilder child) {
            child.put(path.substring(dot + 1), keyPosition, value);
        }
    }

    RawNode.RawMap build() {
        Map<String, RawNode.Entry> built = new LinkedHashMap<>();
        entries.forEach((key, slot) -> built.put(key, new RawNode.Entry(key, slot.keyPosition(),
                slot.value() instanceof TreeBuilder child ? child.build() : (RawNode) slot.value())));
        return new RawNode.RawMap(position, built);
    }
}
