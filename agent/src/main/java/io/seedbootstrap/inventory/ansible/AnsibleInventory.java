package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Ansible inventory as Ansible sees it, whatever syntax it came from: groups with variables,
 * child groups and hosts; hosts with variables. Every variable keeps where it was written.
 * Precedence follows Ansible: {@code all} &lt; parent group &lt; child group &lt; host, and
 * groups of the same depth apply in name order.
 */
final class AnsibleInventory {
    static final String ALL = "all";
    static final String UNGROUPED = "ungrouped";

    /** Where a variable was set: a group's vars or one host. */
    record Scope(boolean host, String name) {
        String describe() {
            return host ? "host " + name : "group " + name;
        }
    }

    /** An inventory read from a file, and whether the file had no syntax errors. */
    record Parsed(AnsibleInventory inventory, boolean ok) {}

    /** One variable definition. Definitions are compared by identity: one line, one definition. */
    record Var(String name, Position keyPosition, RawNode value, Scope scope) {}

    static final class Group {
        final String name;
        Position position;
        final Map<String, Var> vars = new LinkedHashMap<>();
        final Set<String> children = new LinkedHashSet<>();
        final Set<String> parents = new LinkedHashSet<>();
        final Set<String> hosts = new LinkedHashSet<>();

        Group(String name, Position position) {
            this.name = name;
            this.position = position;
        }
    }

    static final class Host {
        final String name;
        final Position position;
        final Map<String, Var> vars = new LinkedHashMap<>();
        final Set<String> groups = new LinkedHashSet<>();

        Host(String name, Position position) {
            this.name = name;
            this.position = position;
        }
    }

    final Path file;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();

    AnsibleInventory(Path file) {
        this.file = file;
        groups.put(ALL, new Group(ALL, new Position(file, 1, 1)));
        groups.put(UNGROUPED, new Group(UNGROUPED, new Position(file, 1, 1)));
    }

    Group group(String name, Position position) {
        return groups.computeIfAbsent(name, n -> new Group(n, position));
    }

    Group findGroup(String name) {
        return groups.get(name);
    }

    Collection<Group> groups() {
        return groups.values();
    }

    Collection<Host> hosts() {
        return hosts.values();
    }

    Host findHost(String name) {
        return hosts.get(name);
    }

    Host addHost(String name, Position position, String group) {
        Host host = hosts.computeIfAbsent(name, n -> new Host(n, position));
        host.groups.add(group);
        group(group, position).hosts.add(name);
        return host;
    }

    /**
     * Sets a host variable. A host listed twice with different values for one variable is an
     * error: Ansible silently keeps the last, which hides a mistake.
     */
    void setHostVar(Host host, Var var, Diagnostics diagnostics) {
        Var previous = host.vars.get(var.name());
        if (previous != null && !previous.keyPosition().equals(var.keyPosition())
                && !Values.same(previous.value(), var.value())) {
            diagnostics.error(var.keyPosition(), var.name(), "host " + host.name + " is listed again with a different value "
                    + "(first set at line " + previous.keyPosition().line() + "); keep one value");
        }
        host.vars.put(var.name(), var);
    }

    void setGroupVar(Group group, Var var, Diagnostics diagnostics) {
        Var previous = group.vars.get(var.name());
        if (previous != null && !Values.same(previous.value(), var.value())) {
            diagnostics.warning(var.keyPosition(), var.name(), "set again for group " + group.name
                    + " (first at line " + previous.keyPosition().line() + "); the last value wins, as in Ansible");
        }
        group.vars.put(var.name(), var);
    }

    /** Adds child under parent; refuses (with an error) an edge that would make a loop. */
    boolean addChild(String parent, String child, Position position, Diagnostics diagnostics) {
        if (parent.equals(child) || ancestors(parent).contains(child)) {
            diagnostics.error(position, "", "group " + child + " cannot be a child of " + parent
                    + (parent.equals(child) ? "" : ": " + parent + " is already inside " + child) + "; that would make a loop");
            return false;
        }
        if (!ALL.equals(parent)) {
            group(parent, position).children.add(child);
            group(child, position).parents.add(parent);
        }
        return true;
    }

    /** Every group above this one (not itself), without {@code all}. */
    Set<String> ancestors(String name) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(name));
        while (!todo.isEmpty()) {
            Group group = groups.get(todo.remove(todo.size() - 1));
            if (group == null) {
                continue;
            }
            for (String parent : group.parents) {
                if (seen.add(parent)) {
                    todo.add(parent);
                }
            }
        }
        return seen;
    }

    /** Depth from {@code all} (0); a group without a parent sits right under all (1). */
    int depth(String name) {
        return depth(name, 0);
    }

    private int depth(String name, int guard) {
        if (ALL.equals(name)) {
            return 0;
        }
        Group group = groups.get(name);
        if (group == null || group.parents.isEmpty() || guard > groups.size()) {
            return 1;
        }
        int deepest = 0;
        for (String parent : group.parents) {
            deepest = Math.max(deepest, depth(parent, guard + 1));
        }
        return deepest + 1;
    }

    /** Every group the host is in, directly or through a child group, always with {@code all}. */
    Set<String> groupsOf(Host host) {
        Set<String> all = new LinkedHashSet<>();
        for (String group : host.groups) {
            all.add(group);
            all.addAll(ancestors(group));
        }
        all.add(ALL);
        return all;
    }

    /** The host's variables after Ansible's precedence: all, then groups by depth and name, then the host. */
    Map<String, Var> effectiveVars(Host host) {
        List<String> ordered = new ArrayList<>(groupsOf(host));
        ordered.sort(Comparator.<String>comparingInt(this::depth).thenComparing(Comparator.naturalOrder()));
        Map<String, Var> vars = new LinkedHashMap<>();
        for (String name : ordered) {
            vars.putAll(groups.get(name).vars);
        }
        vars.putAll(host.vars);
        return vars;
    }
}
