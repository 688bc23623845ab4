package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Host;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Scope;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;

/**
 * Reads an Ansible YAML inventory ({@code all: {hosts: {h: {vars}}, children: {...}, vars: {...}}})
 * from the positioned YAML tree. Top-level keys are groups (usually just {@code all}); host
 * names may use ranges like in INI; a host or group without content may be left empty (null).
 */
final class YamlInventoryReader {
    private static final int MAX_DEPTH = 64;

    private final Diagnostics diagnostics;
    private final AnsibleInventory inventory;
    private boolean ok = true;

    private YamlInventoryReader(AnsibleInventory inventory, Diagnostics diagnostics) {
        this.inventory = inventory;
        this.diagnostics = diagnostics;
    }

    static AnsibleInventory.Parsed read(RawNode root, Diagnostics diagnostics) {
        YamlInventoryReader reader = new YamlInventoryReader(new AnsibleInventory(root.position().file()), diagnostics);
        if (root instanceof RawMap map) {
            reportDuplicates(map, diagnostics);
            for (RawNode.Entry entry : map.entries().values()) {
                reader.group(entry, AnsibleInventory.ALL, 0);
            }
        } else {
            reader.error(root, "an Ansible YAML inventory is a mapping of groups, e.g. all: {hosts: ..., children: ...}");
        }
        return new AnsibleInventory.Parsed(reader.inventory, reader.ok);
    }

    private void group(RawNode.Entry entry, String parent, int depth) {
        String name = entry.key();
        inventory.group(name, entry.keyPosition());
        if (!name.equals(AnsibleInventory.ALL) && !inventory.addChild(parent, name, entry.keyPosition(), diagnostics)) {
            ok = false;
            return;
        }
        RawNode body = entry.value();
        if (isNull(body)) {
            return;
        }
        if (!(body instanceof RawMap map)) {
            error(body, "group " + name + " must be a mapping with hosts, children or vars, found " + kind(body));
            return;
        }
        if (depth > MAX_DEPTH) {
            error(body, "groups are nested more than " + MAX_DEPTH + " levels deep");
            return;
        }
        reportDuplicates(map, diagnostics);
        for (RawNode.Entry part : map.entries().values()) {
            switch (part.key()) {
                case "hosts" -> hosts(name, part.value());
                case "children" -> children(name, part.value(), depth);
                case "vars" -> vars(name, part.value());
                default -> diagnostics.warning(part.keyPosition(), part.key(), "not a key of a group (hosts, children, vars); "
                        + "ignored, as Ansible does");
            }
        }
    }

    private void hosts(String group, RawNode node) {
        if (isNull(node)) {
            return;
        }
        if (!(node instanceof RawMap map)) {
            error(node, "hosts of group " + group + " must be a mapping of host names (each followed by ':'), found " + kind(node));
            return;
        }
        reportDuplicates(map, diagnostics);
        for (RawNode.Entry entry : map.entries().values()) {
            HostPatterns.Expansion expansion = HostPatterns.expand(entry.key(), entry.keyPosition(), diagnostics);
            if (expansion == null) {
                ok = false;
                continue;
            }
            RawNode vars = entry.value();
            if (!isNull(vars) && !(vars instanceof RawMap)) {
                error(vars, "host " + entry.key() + " must be followed by a mapping of its variables (or nothing), found " + kind(vars));
                continue;
            }
            for (String name : expansion.hosts()) {
                Host host = inventory.addHost(name, entry.keyPosition(), group);
                Scope scope = new Scope(true, name);
                if (expansion.port() != null) {
                    RawNode port = new RawScalar(entry.keyPosition(), expansion.port().toString(), RawScalar.Kind.INTEGER);
                    inventory.setHostVar(host, new Var("ansible_port", entry.keyPosition(), port, scope), diagnostics);
                }
                if (vars instanceof RawMap map2) {
                    reportDuplicates(map2, diagnostics);
                    for (RawNode.Entry var : map2.entries().values()) {
                        inventory.setHostVar(host, new Var(var.key(), var.keyPosition(), var.value(), scope), diagnostics);
                    }
                }
            }
        }
    }

    private void children(String group, RawNode node, int depth) {
        if (isNull(node)) {
            return;
        }
        if (!(node instanceof RawMap map)) {
            error(node, "children of group " + group + " must be a mapping of group names (each followed by ':'), found " + kind(node));
            return;
        }
        reportDuplicates(map, diagnostics);
        for (RawNode.Entry entry : map.entries().values()) {
            group(entry, group, depth + 1);
        }
    }

    private void vars(String group, RawNode node) {
        if (isNull(node)) {
            return;
        }
        if (!(node instanceof RawMap map)) {
            error(node, "vars of group " + group + " must be a mapping of variables, found " + kind(node));
            return;
        }
        reportDuplicates(map, diagnostics);
        for (RawNode.Entry entry : map.entries().values()) {
            inventory.setGroupVar(inventory.findGroup(group), new Var(entry.key(), entry.keyPosition(), entry.value(), new Scope(false, group)),
                    diagnostics);
        }
    }

    private static void reportDuplicates(RawMap map, Diagnostics diagnostics) {
        for (RawNode.Entry duplicate : map.duplicates()) {
            diagnostics.error(duplicate.keyPosition(), duplicate.key(), "duplicate key \"" + duplicate.key() + "\" (first at line "
                    + map.entries().get(duplicate.key()).keyPosition().line() + "); keep one of them");
        }
    }

    private void error(RawNode at, String message) {
        ok = false;
        diagnostics.error(at.position(), "", message);
    }

    /** What a node is, never its text: a misplaced value may be a password. */
    private static String kind(RawNode node) {
        if (node instanceof RawScalar scalar) {
            return switch (scalar.kind()) {
                case STRING -> "text";
                case BOOLEAN -> "a boolean";
                case NULL -> "nothing";
                default -> "a number";
            };
        }
        return node instanceof RawNode.RawList ? "a list" : "a mapping";
    }

    private static boolean isNull(RawNode node) {
        return node instanceof RawScalar scalar && scalar.kind() == RawScalar.Kind.NULL;
    }
}
