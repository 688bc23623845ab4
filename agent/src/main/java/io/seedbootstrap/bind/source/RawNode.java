package io.seedbootstrap.bind.source;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed document before it is bound to the inventory model: maps, lists and scalars, each
 * with the position it came from. Our YAML format and Ansible inventories both turn into this
 * tree, so one binder and one validator give positioned errors for either.
 */
public sealed interface RawNode permits RawNode.RawMap, RawNode.RawList, RawNode.RawScalar {
    Position position();

    /** What a node is called in error messages ("a mapping", "a list", "the number 3"). */
    String describe();

    /** A key with its own position (for unknown-key errors) and its value. */
    record Entry(String key, Position keyPosition, RawNode value) {}

    record RawMap(Position position, Map<String, Entry> entries, List<Entry> duplicates) implements RawNode {
        public RawMap {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            duplicates = List.copyOf(duplicates);
        }

        public RawMap(Position position, Map<String, Entry> entries) {
            this(position, entries, List.of());
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record RawList(Position position, List<RawNode> items) implements RawNode {
        public RawList {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar keeps its text and what the document said it was (a YAML tag, or a guess for INI). */
    record RawScalar(Position position, String text, Kind kind) implements RawNode {
        public enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "an empty value";
                case STRING -> "the text \"" + text + "\"";
                case BOOLEAN -> "the boolean " + text;
                default -> "the number " + text;
            };
        }
    }
}
