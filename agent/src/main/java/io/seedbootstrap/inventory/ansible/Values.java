package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.source.RawNode.RawList;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import java.util.Iterator;
import java.util.Map;

/** Small helpers over raw values: equality without positions, templates, text. */
final class Values {
    private Values() {}

    /** Same content, wherever it was written. */
    static boolean same(RawNode a, RawNode b) {
        if (a instanceof RawScalar x && b instanceof RawScalar y) {
            return x.kind() == y.kind() && x.text().equals(y.text());
        }
        if (a instanceof RawList x && b instanceof RawList y) {
            if (x.items().size() != y.items().size()) {
                return false;
            }
            for (int i = 0; i < x.items().size(); i++) {
                if (!same(x.items().get(i), y.items().get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof RawMap x && b instanceof RawMap y) {
            if (!x.entries().keySet().equals(y.entries().keySet())) {
                return false;
            }
            Iterator<Map.Entry<String, RawNode.Entry>> it = x.entries().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, RawNode.Entry> e = it.next();
                if (!same(e.getValue().value(), y.entries().get(e.getKey()).value())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** A Jinja expression or statement anywhere in the value. */
    static boolean isTemplated(RawNode node) {
        return anyString(node, s -> s.contains("{{") || s.contains("{%"));
    }

    /** An Ansible Vault-encrypted string (YAML {@code !vault |}). */
    static boolean isVaulted(RawNode node) {
        return anyString(node, s -> s.stripLeading().startsWith("$ANSIBLE_VAULT;"));
    }

    private static boolean anyString(RawNode node, java.util.function.Predicate<String> test) {
        if (node instanceof RawScalar scalar) {
            return scalar.kind() == RawScalar.Kind.STRING && test.test(scalar.text());
        }
        if (node instanceof RawList list) {
            return list.items().stream().anyMatch(i -> anyString(i, test));
        }
        return ((RawMap) node).entries().values().stream().anyMatch(e -> anyString(e.value(), test));
    }

    /** Null, or an empty string: Ansible's way of writing "not set" in an INI file. */
    static boolean isEmpty(RawNode node) {
        return node instanceof RawScalar scalar
                && (scalar.kind() == RawScalar.Kind.NULL || (scalar.kind() == RawScalar.Kind.STRING && scalar.text().isBlank()));
    }

    /** The text of a scalar, or null for lists and maps. */
    static String text(RawNode node) {
        return node instanceof RawScalar scalar ? scalar.text() : null;
    }

    /** A short rendering for messages about values that are not secrets. */
    static String show(RawNode node) {
        if (node instanceof RawScalar scalar) {
            return scalar.kind() == RawScalar.Kind.STRING ? "\"" + scalar.text() + "\"" : scalar.text();
        }
        return node instanceof RawList ? "a list" : "a mapping";
    }
}
