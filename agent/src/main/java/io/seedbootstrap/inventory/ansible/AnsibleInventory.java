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
 * child groups and hosts; hosts with variables, each from the inventory file or from the
 * {@code group_vars/} and {@code host_vars/} files beside it ({@link VarsFiles}). Every variable
 * keeps where it was written. Precedence: see {@link #effectiveVars}.
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
        /** Set in the inventory file ([g:vars], a YAML group's vars). */
        final Map<String, Var> vars = new LinkedHashMap<>();
        /** Set in group_vars/ files, which override the inventory file's (see {@link #effectiveVars}). */
        final Map<String, Var> fileVars = new LinkedHashMap<>();
        final Set<String> children = new LinkedHashSet<>();
        final Set<String> parents = new LinkedHashSet<>();
        final Set<String> hosts = new LinkedHashSet<>();

        Group(String name, Position position) {
            this.name = name;
            this.position = position;
        }

        /** The group's own variables, group_vars/ files over the inventory file. */
        Map<String, Var> merged() {
            Map<String, Var> merged = new LinkedHashMap<>(vars);
            merged.putAll(fileVars);
            return merged;
        }
    }

    static final class Host {
        final String name;
        final Position position;
        /** Set on the host's line (INI) or under the host (YAML). */
        final Map<String, Var> vars = new LinkedHashMap<>();
        /** Set in host_vars/ files. */
        final Map<String, Var> fileVars = new LinkedHashMap<>();
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

    /** A group's ansible_group_priority (default 1), read from the inventory file only, as Ansible does. */
    static final String GROUP_PRIORITY = "ansible_group_priority";

    int priority(String name) {
        Group group = groups.get(name);
        Var var = group == null ? null : group.vars.get(GROUP_PRIORITY);
        String text = var == null ? null : Values.text(var.value());
        return text != null && text.strip().matches("-?[0-9]{1,9}") ? Integer.parseInt(text.strip()) : 1;
    }

    /**
     * The host's variables after Ansible's precedence, lowest first (later layers override):
     * <ol>
     *   <li>group all's vars in the inventory file, then every other group's, ordered by
     *       (depth, ansible_group_priority, name): a child group beats its parent;
     *   <li>group_vars/all, then group_vars/&lt;group&gt; in the same order;
     *   <li>the host's vars in the inventory file, then host_vars/&lt;host&gt;.
     * </ol>
     * So a group_vars/all.yml value beats an inventory file's [child:vars] value, as in Ansible:
     * "inventory file or script group vars" &lt; "inventory group_vars/all" &lt; "inventory
     * group_vars/*" &lt; "inventory file or script host vars" &lt; "inventory host_vars/*"
     * (https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_variables.html#understanding-variable-precedence;
     * the default VARIABLE_PRECEDENCE all_inventory, groups_inventory, all_plugins_inventory,
     * groups_plugins_inventory in ansible/ansible lib/ansible/config/base.yml, and
     * sort_groups' key (depth, priority, name) in lib/ansible/inventory/helpers.py).
     */
    Map<String, Var> effectiveVars(Host host) {
        List<String> ordered = new ArrayList<>(groupsOf(host));
        ordered.remove(ALL);
        ordered.sort(Comparator.<String>comparingInt(this::depth).thenComparingInt(this::priority).thenComparing(Comparator.naturalOrder()));
        Map<String, Var> vars = new LinkedHashMap<>(groups.get(ALL).vars);
        for (String name : ordered) {
            vars.putAll(groups.get(name).vars);
        }
        vars.putAll(groups.get(ALL).fileVars);
        for (String name : ordered) {
            vars.putAll(groups.get(name).fileVars);
        }
        vars.putAll(host.vars);
        vars.putAll(host.fileVars);
        return vars;
    }
}
