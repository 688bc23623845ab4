package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.NetAddresses;
import io.seedbootstrap.bind.Suggestions;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode.RawScalar.Kind;
import io.seedbootstrap.bind.source.RawNode.RawScalar;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Group;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Host;
import io.seedbootstrap.inventory.ansible.AnsibleInventory.Var;
import io.seedbootstrap.inventory.ansible.AnsibleVariables.Level;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Maps an {@link AnsibleInventory} to the raw tree of our format: roles from groups, host
 * variables to host fields, cluster-wide variables (which Ansible gives per host) to one value
 * each, SSH settings shared by every host to the ssh section, the bastion group to the jump host.
 * Positions point at the Ansible lines the values came from.
 */
final class InventoryMapper {
    /** SSH fields a host may override and the ssh section holds for all. */
    private static final List<String> SSH_FIELDS = List.of("user", "port", "identityFile", "sudoPassword");
    private static final String SEED_SUDO_PASSWORD = "SEED_SUDO_PASSWORD";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final AnsibleInventory inventory;
    private final Map<String, Role> groupRoles;
    private final Map<String, Role> overrides;
    private final Predicate<String> settingsHave;
    private final Diagnostics diagnostics;
    private final ValueAdapter values;
    private final java.nio.file.Path file;
    private final Map<Host, Map<String, Var>> effective = new HashMap<>();
    private final Map<Host, Set<String>> groups = new HashMap<>();
    private final Set<Position> reportedRoles = new HashSet<>();

    private InventoryMapper(AnsibleInventory inventory, Map<String, Role> overrides, Predicate<String> settingsHave, Diagnostics diagnostics) {
        this.inventory = inventory;
        this.overrides = overrides;
        this.groupRoles = GroupRoles.with(overrides);
        this.settingsHave = settingsHave;
        this.diagnostics = diagnostics;
        this.values = new ValueAdapter(diagnostics);
        this.file = inventory.file;
    }

    /**
     * @param settingsHave whether the --settings overlay sets a path (so hints about it are not needed)
     */
    static RawNode.RawMap map(AnsibleInventory inventory, Map<String, Role> overrides, Predicate<String> settingsHave,
            Diagnostics diagnostics) {
        return new InventoryMapper(inventory, overrides, settingsHave, diagnostics).run();
    }

    private RawNode.RawMap run() {
        checkVariables();
        checkGroups();
        Map<Host, Role> roles = roles();
        List<Host> nodes = new ArrayList<>(roles.keySet());
        TreeBuilder root = new TreeBuilder(start());
        // line 0: derived from the file as a whole, not from one of its lines (inventory show prints the file alone)
        Position derived = Position.unknown(file);
        root.put("apiVersion", derived, new RawScalar(derived, Inventory.API_VERSION, Kind.STRING));
        clusterSettings(root, nodes);
        Map<String, Var> sharedSsh = sshDefaults(root, nodes);
        jumpHost(root, sharedSsh);
        List<RawNode> hosts = new ArrayList<>();
        for (Host host : nodes) {
            hosts.add(host(host, roles.get(host), sharedSsh));
        }
        Position hostsAt = nodes.isEmpty() ? start() : nodes.get(0).position;
        root.put("hosts", hostsAt, new RawNode.RawList(hostsAt, hosts));
        hints(root, roles);
        return root.build();
    }

    private Position start() {
        return new Position(file, 1, 1);
    }

    // ---- variables that are wrong or ignored, whatever host they reach ------------------------

    private void checkVariables() {
        Map<String, Position> unknown = new LinkedHashMap<>();
        Map<String, Position> unsupported = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> seedNames = AnsibleVariables.seedNames();
        for (Var var : definitions()) {
            if (!seen.add(var.keyPosition() + "|" + var.name())) {
                continue;
            }
            String name = var.name();
            if (AnsibleInventory.GROUP_PRIORITY.equals(name)) {
                String text = Values.text(var.value());
                if (text == null || !text.strip().matches("-?[0-9]{1,9}")) {
                    diagnostics.error(var.keyPosition(), name, "must be a whole number (groups with a higher priority win "
                            + "among groups of the same depth; the default is 1)");
                }
                continue;
            }
            if (AnsibleVariables.find(name) != null || AnsibleVariables.ROLE_VARIABLES.contains(name)) {
                continue;
            }
            if (name.startsWith("seed_")) {
                diagnostics.error(var.keyPosition(), name, "unknown seed-bootstrap variable \"" + name + "\""
                        + Suggestions.closest(name, seedNames).map(s -> "; did you mean \"" + s + "\"?")
                                .orElse("; seed_* variables are named after the inventory's fields, e.g. seed_rke2_version "
                                        + "for cluster.rke2Version"));
            } else if (AnsibleVariables.TOKEN_VARIABLES.contains(name)) {
                if (!Values.isEmpty(var.value())) {
                    diagnostics.error(var.keyPosition(), name, "must not be in the inventory: seed-bootstrap never takes a join "
                            + "token from it; tokens are generated by \"seed-bootstrap pki init\" and kept in the PKI directory. Remove it");
                }
            } else if (AnsibleVariables.UNSUPPORTED.containsKey(name)) {
                unsupported.putIfAbsent(name, var.keyPosition());
            } else {
                unknown.putIfAbsent(name, var.keyPosition());
            }
        }
        unsupported.forEach((name, at) -> diagnostics.warning(at, name, "ignored: " + AnsibleVariables.UNSUPPORTED.get(name)));
        unknown.forEach((name, at) -> diagnostics.note(at, name, "not used by seed-bootstrap; ignored"));
    }

    /**
     * Every variable definition, the inventory file's first, then group_vars/ and host_vars/ files
     * by path, each in line order (so the first of a name is where it is reported).
     */
    private List<Var> definitions() {
        List<Var> all = new ArrayList<>();
        inventory.groups().forEach(g -> all.addAll(g.vars.values()));
        inventory.hosts().forEach(h -> all.addAll(h.vars.values()));
        inventory.groups().forEach(g -> all.addAll(g.fileVars.values()));
        inventory.hosts().forEach(h -> all.addAll(h.fileVars.values()));
        all.sort(Comparator.comparing((Var v) -> !java.util.Objects.equals(v.keyPosition().file(), file))
                .thenComparing(v -> String.valueOf(v.keyPosition().file()))
                .thenComparingInt(v -> v.keyPosition().line()).thenComparingInt(v -> v.keyPosition().column()));
        return all;
    }

    private void checkGroups() {
        for (Map.Entry<String, String> ignored : GroupRoles.IGNORED.entrySet()) {
            Group group = inventory.findGroup(ignored.getKey());
            boolean used = group != null && inventory.hosts().stream().anyMatch(h -> groupsOf(h).contains(ignored.getKey()));
            if (used && !groupRoles.containsKey(ignored.getKey())) {
                diagnostics.note(group.position, "", "group " + ignored.getKey() + " is ignored: " + ignored.getValue());
            }
        }
        for (String name : overrides.keySet()) {
            if (inventory.findGroup(name) == null) {
                diagnostics.warning(Position.unknown(file), "", "--group-role maps group " + name
                        + ", which this inventory does not have");
            }
        }
    }

    // ---- roles ----------------------------------------------------------------------------

    /** The cluster's hosts in file order, each with its role; hosts without one are reported. */
    private Map<Host, Role> roles() {
        Map<Host, Role> roles = new LinkedHashMap<>();
        List<String> dual = new ArrayList<>();
        Position dualAt = null;
        Set<String> dualGroups = new LinkedHashSet<>();
        for (Host host : inventory.hosts()) {
            Set<String> groups = groupsOf(host);
            String serverGroup = groups.stream().filter(g -> groupRoles.get(g) == Role.SERVER).findFirst().orElse(null);
            String agentGroup = groups.stream().filter(g -> groupRoles.get(g) == Role.AGENT).findFirst().orElse(null);
            Role explicit = explicitRole(host);
            if (explicit != null) {
                roles.put(host, explicit);
            } else if (serverGroup != null) {
                roles.put(host, Role.SERVER);
                if (agentGroup != null) {
                    dual.add(host.name);
                    dualAt = dualAt == null ? host.position : dualAt;
                    dualGroups.add(serverGroup + " and " + agentGroup);
                }
            } else if (agentGroup != null) {
                roles.put(host, Role.AGENT);
            } else if (!groups.contains(GroupRoles.BASTION)) {
                noRole(host, groups);
            }
        }
        if (!dual.isEmpty()) {
            diagnostics.note(dualAt, "", (dual.size() == 1 ? "host " + dual.get(0) + " is" : "hosts " + String.join(", ", dual) + " are")
                    + " in both a server and an agent group (" + String.join("; ", dualGroups) + "): "
                    + (dual.size() == 1 ? "it becomes a server" : "each becomes a server") + " (RKE2 servers run workloads too)");
        }
        return roles;
    }

    private Role explicitRole(Host host) {
        for (String name : AnsibleVariables.ROLE_VARIABLES) {
            Var var = effective(host).get(name);
            if (var == null || Values.isTemplated(var.value())) {
                continue;
            }
            String text = Values.text(var.value());
            if ("server".equals(text)) {
                return Role.SERVER;
            }
            if ("agent".equals(text)) {
                return Role.AGENT;
            }
            if (reportedRoles.add(var.keyPosition())) { // a group's rke2_type reaches every member: report it once
                diagnostics.error(var.value().position(), name, "must be server or agent (host " + host.name + ")");
            }
        }
        return null;
    }

    private void noRole(Host host, Set<String> groups) {
        Var connection = effective(host).get("ansible_connection");
        if (connection != null && "local".equals(Values.text(connection.value()))) {
            diagnostics.note(host.position, "", "host " + host.name + " (ansible_connection=local) is in no server or agent group; "
                    + "it is not part of the cluster");
            return;
        }
        List<String> named = groups.stream().filter(g -> !g.equals(AnsibleInventory.ALL) && !g.equals(AnsibleInventory.UNGROUPED)).toList();
        String where = named.isEmpty() ? "is in no group" : "is only in " + String.join(", ", named);
        String etcd = named.contains("etcd") ? " (RKE2 runs etcd on its servers: put etcd members in a server group)" : "";
        diagnostics.error(host.position, "", "host " + host.name + " " + where + etcd + ", so it has no role; add it to a server "
                + "group (rke2_servers, kube_control_plane, servers or masters) or an agent group (rke2_agents, kube_node, agents "
                + "or workers), or map one of its groups with --group-role GROUP=server|agent");
    }

    // ---- cluster-wide settings ------------------------------------------------------------------

    private void clusterSettings(TreeBuilder root, List<Host> nodes) {
        Map<String, List<String>> byPath = new LinkedHashMap<>();
        AnsibleVariables.all().values().stream().filter(m -> m.level() == Level.CLUSTER)
                .forEach(m -> byPath.computeIfAbsent(m.path(), p -> new ArrayList<>()).add(m.variable()));
        for (Map.Entry<String, List<String>> field : byPath.entrySet()) {
            Var chosen = agreed(field.getKey(), field.getValue(), nodes);
            if (chosen == null) {
                continue;
            }
            Type type = AnsibleVariables.find(chosen.name()).type();
            RawNode value = values.adapt(chosen, type, () -> clusterEnvName(field.getKey()));
            if (value != null && field.getKey().equals("cluster.cni")) {
                value = singleCni(chosen, value);
            }
            if (value != null) {
                root.put(field.getKey(), chosen.keyPosition(), value);
            }
        }
    }

    /**
     * The one value of a cluster-wide field: Ansible sets variables per host, so every value the
     * cluster's hosts see must agree (hosts that leave it unset are fine).
     */
    private Var agreed(String path, List<String> names, List<Host> nodes) {
        List<Var> candidates = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        if (nodes.isEmpty()) {
            for (String name : names) {
                Var var = inventory.findGroup(AnsibleInventory.ALL).merged().get(name);
                if (var != null && !Values.isEmpty(var.value())) {
                    candidates.add(var);
                    owners.add("group all");
                }
            }
        }
        for (Host host : nodes) {
            for (String name : names) {
                Var var = effective(host).get(name);
                if (var != null && !Values.isEmpty(var.value())) {
                    candidates.add(var);
                    owners.add("host " + host.name);
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        Var first = candidates.get(0);
        Type type = AnsibleVariables.find(first.name()).type();
        RawNode firstValue = comparable(first, type);
        for (int i = 1; i < candidates.size(); i++) {
            Var other = candidates.get(i);
            if (other == first || Values.same(firstValue, comparable(other, type))) {
                continue;
            }
            boolean secret = AnsibleVariables.find(first.name()).isSecret();
            diagnostics.error(other.keyPosition(), other.name(), (secret ? "the value" : Values.show(other.value())) + " for "
                    + owners.get(i) + " disagrees with " + (secret ? "the value" : Values.show(first.value())) + " for " + owners.get(0)
                    + " (" + first.name() + ", line " + first.keyPosition().line() + "); the cluster has one " + path
                    + ", so set it once (e.g. in the vars of group all)");
            break;
        }
        return first;
    }

    private RawNode comparable(Var var, Type type) {
        return Values.isTemplated(var.value()) || Values.isVaulted(var.value()) ? var.value()
                : new ValueAdapter(new Diagnostics()).coerce(var.value(), type, var.name());
    }

    /** rke2_cni is a list in lablabs/ansible-role-rke2 ([canal]); one item is one CNI. */
    private RawNode singleCni(Var var, RawNode value) {
        if (!Values.isTemplated(var.value()) && ValueAdapter.parseText(var.value()) instanceof RawNode.RawList list) {
            if (list.items().size() == 1) {
                return values.coerce(list.items().get(0), String.class, var.name());
            }
            diagnostics.error(var.keyPosition(), var.name(), "lists " + list.items().size() + " CNIs; "
                    + "seed-bootstrap installs exactly one: canal or cilium");
            return null;
        }
        return value;
    }

    private static String clusterEnvName(String path) {
        String seed = AnsibleVariables.seedName(path);
        return seed != null ? ValueAdapter.envName(seed.substring("seed_".length())) : ValueAdapter.envName(path);
    }

    // ---- SSH -------------------------------------------------------------------------------------

    /**
     * The ssh section: a value set for group all, or one group's value every cluster host shares,
     * holds for all hosts; hosts with their own value override it.
     */
    private Map<String, Var> sshDefaults(TreeBuilder root, List<Host> nodes) {
        Map<String, Var> shared = new LinkedHashMap<>();
        Map<String, Var> all = inventory.findGroup(AnsibleInventory.ALL).merged();
        for (String field : SSH_FIELDS) {
            List<String> names = AnsibleVariables.namesFor(Level.HOST, "ssh." + field);
            Var top = names.stream().map(all::get).filter(v -> v != null && !Values.isEmpty(v.value())).findFirst().orElse(null);
            if (top == null && !nodes.isEmpty()) {
                Var candidate = hostVar(nodes.get(0), names);
                boolean everyone = candidate != null && candidate.scope() != null && !candidate.scope().host()
                        && nodes.stream().allMatch(h -> sameDefinition(hostVar(h, names), candidate));
                top = everyone ? candidate : null;
            }
            if (top == null) {
                continue;
            }
            Var shared0 = top;
            RawNode value = values.adapt(shared0, AnsibleVariables.find(shared0.name()).type(), () -> envName(shared0, "ssh." + field));
            if (value != null) {
                root.put("ssh." + field, shared0.keyPosition(), value);
                shared.put(field, shared0);
            }
        }
        return shared;
    }

    /** One line of the file: a host line with a range gives each of its hosts an equal copy. */
    private static boolean sameDefinition(Var a, Var b) {
        return a != null && b != null && a.name().equals(b.name()) && a.keyPosition().equals(b.keyPosition())
                && Values.same(a.value(), b.value());
    }

    /** The first of several alias variables a host has; aliases set to different values are an error. */
    private Var hostVar(Host host, List<String> names) {
        Var found = null;
        for (String name : names) {
            Var var = effective(host).get(name);
            if (var == null || Values.isEmpty(var.value())) {
                continue;
            }
            if (found == null) {
                found = var;
            } else if (!Values.same(found.value(), var.value()) && reportedAliases.add(host.name + "|" + names.get(0))) {
                diagnostics.error(var.keyPosition(), var.name(), "disagrees with " + found.name() + " (line " + found.keyPosition().line()
                        + ") for host " + host.name + "; both set the same thing, keep one");
            }
        }
        return found;
    }

    private final Set<String> reportedAliases = new HashSet<>();

    private void jumpHost(TreeBuilder root, Map<String, Var> sharedSsh) {
        Group bastion = inventory.findGroup(GroupRoles.BASTION);
        if (bastion == null || groupRoles.containsKey(GroupRoles.BASTION)) {
            return;
        }
        List<Host> members = inventory.hosts().stream().filter(h -> groupsOf(h).contains(GroupRoles.BASTION)).toList();
        if (members.isEmpty()) {
            return;
        }
        Host jump = members.get(0);
        if (members.size() > 1) {
            diagnostics.note(members.get(1).position, "", "group bastion has " + members.size() + " hosts; the first, "
                    + jump.name + ", is the jump host");
        }
        Var address = hostVar(jump, AnsibleVariables.namesFor(Level.HOST, "address"));
        RawNode value = address == null ? new RawScalar(jump.position, jump.name, Kind.STRING)
                : values.adapt(address, String.class, () -> envName(address, "ssh.jumpHost.address"));
        if (value != null) {
            root.put("ssh.jumpHost.address", address == null ? jump.position : address.keyPosition(), value);
        }
        for (String field : List.of("port", "user", "identityFile")) {
            Var var = hostVar(jump, AnsibleVariables.namesFor(Level.HOST, "ssh." + field));
            // the jump host's user and key default to the ssh section's; its port does not
            if (var == null || (!field.equals("port") && sameDefinition(sharedSsh.get(field), var))) {
                continue;
            }
            RawNode adapted = values.adapt(var, AnsibleVariables.find(var.name()).type(), () -> envName(var, "ssh.jumpHost." + field));
            if (adapted != null) {
                root.put("ssh.jumpHost." + field, var.keyPosition(), adapted);
            }
        }
    }

    // ---- hosts -----------------------------------------------------------------------------------

    private RawNode host(Host host, Role role, Map<String, Var> sharedSsh) {
        TreeBuilder node = new TreeBuilder(host.position);
        String name = nodeName(host);
        node.put("name", host.position, new RawScalar(host.position, name, Kind.STRING));
        Map<String, List<String>> byPath = new LinkedHashMap<>();
        AnsibleVariables.all().values().stream().filter(m -> m.level() == Level.HOST)
                .forEach(m -> byPath.computeIfAbsent(m.path(), p -> new ArrayList<>()).add(m.variable()));
        Var address = hostVar(host, byPath.get("address"));
        if (address == null) {
            node.put("address", host.position, new RawScalar(host.position, host.name, Kind.STRING));
        }
        node.put("role", host.position, new RawScalar(host.position, role.key(), Kind.STRING));
        for (Map.Entry<String, List<String>> field : byPath.entrySet()) {
            Var var = hostVar(host, field.getValue());
            if (var == null) {
                continue;
            }
            String path = field.getKey();
            if (path.startsWith("ssh.") && sameDefinition(sharedSsh.get(path.substring(4)), var)) {
                continue;
            }
            if (path.equals("connection") && !Values.isTemplated(var.value())) {
                RawNode connection = connection(host, var);
                if (connection != null) {
                    node.put(path, var.keyPosition(), connection);
                }
                continue;
            }
            RawNode value = values.adapt(var, AnsibleVariables.find(var.name()).type(), () -> envName(var, path));
            if (value != null) {
                node.put(path, var.keyPosition(), value);
            }
        }
        return node.build();
    }

    /**
     * ansible_connection: ssh, smart (Ansible's default, which is ssh) and paramiko (Ansible's
     * Python SSH client, plugin paramiko_ssh) are reached over SSH with seed-bootstrap's own client:
     * the host runs the same sshd whichever client Ansible would use, so the choice of client is
     * Ansible's and not the host's; local is the machine seed-bootstrap runs on
     * (hosts[].connection: local). Any other plugin (docker, winrm, ...) cannot carry an install.
     */
    private RawNode connection(Host host, Var var) {
        String text = Values.text(var.value());
        String plugin = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replaceFirst("^ansible\\.builtin\\.", "");
        String mapped = switch (plugin) {
            case "ssh", "smart", "paramiko", "paramiko_ssh" -> "ssh";
            case "local" -> "local";
            default -> null;
        };
        if (mapped == null) {
            if (reportedConnections.add(var.keyPosition())) { // a group's value reaches every member: report it once
                diagnostics.error(var.keyPosition(), var.name(), (text == null ? "a list or mapping" : "\"" + text + "\"") + " (host "
                        + host.name + ") is not a connection seed-bootstrap can use: it reaches hosts over SSH (ssh, smart, "
                        + "paramiko) or runs on the host itself (local); remove it or set one of those");
            }
            return null;
        }
        return new RawScalar(var.value().position(), mapped, Kind.STRING);
    }

    private final Set<Position> reportedConnections = new HashSet<>();

    /**
     * The inventory name as a Kubernetes node name: the first label of an FQDN, an IP with '-'
     * for its dots, lower case with '-' for '_' (noted when it changes).
     */
    private String nodeName(Host host) {
        String name = host.name;
        if (NetAddresses.isIp(name)) {
            String dashed = name.toLowerCase(Locale.ROOT).replaceAll("[.:]+", "-").replaceAll("^-|-$", "");
            diagnostics.note(host.position, "", "host " + host.name + " is named " + dashed + " in the cluster; "
                    + "set node_name for a clearer node name");
            return dashed;
        }
        String label = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String clean = label.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!clean.equals(label) && DNS_LABEL.matcher(clean).matches()) {
            diagnostics.note(host.position, "", "host " + host.name + " is named " + clean
                    + " in the cluster (node names are lower-case RFC 1123 labels)");
            return clean;
        }
        return label;
    }

    /**
     * The environment variable a templated value becomes: SEED_SUDO_PASSWORD for sudo passwords,
     * else SEED_ plus the scope (nothing for group all) and the field.
     */
    private static String envName(Var var, String path) {
        if (path.endsWith("sudoPassword")) {
            return SEED_SUDO_PASSWORD;
        }
        String scope = var.scope() == null || (!var.scope().host() && AnsibleInventory.ALL.equals(var.scope().name()))
                ? "" : var.scope().name();
        return ValueAdapter.envName(scope, path);
    }

    private Set<String> groupsOf(Host host) {
        return groups.computeIfAbsent(host, inventory::groupsOf);
    }

    private Map<String, Var> effective(Host host) {
        return effective.computeIfAbsent(host, inventory::effectiveVars);
    }

    // ---- hints for what an Ansible inventory usually lacks ----------------------------------------

    private void hints(TreeBuilder root, Map<Host, Role> roles) {
        if (!root.has("cluster.name") && !settingsHave.test("cluster.name")) {
            String name = defaultClusterName();
            root.put("cluster.name", start(), new RawScalar(start(), name, Kind.STRING));
            diagnostics.note(start(), "seed_cluster_name", "not set, so the cluster is named \"" + name + "\" after the inventory's "
                    + "file (or folder) name; set seed_cluster_name in the vars of group all to a name that does not change with the "
                    + "file: it names the kubeconfig context");
        }
        if (!root.has("cluster.rke2Version") && !settingsHave.test("cluster.rke2Version")) {
            diagnostics.note(start(), "seed_rke2_version", "no RKE2 version is set: set seed_rke2_version (or install_rke2_version) "
                    + "in the vars of group all, or cluster.rke2Version in a --settings file");
        }
        if (!root.has("apps.rancher.hostname") && !root.has("apps.rancher.enabled") && !settingsHave.test("apps.rancher.hostname")
                && !settingsHave.test("apps.rancher.enabled")) {
            diagnostics.note(start(), "seed_rancher_hostname", "Rancher is installed unless seed_rancher_enabled=false; "
                    + "set seed_rancher_hostname to its FQDN in the vars of group all");
        }
        long servers = roles.values().stream().filter(r -> r == Role.SERVER).count();
        if (servers > 1 && roles.keySet().stream().noneMatch(h -> hostVar(h, List.of("seed_bootstrap")) != null)) {
            diagnostics.note(start(), "seed_bootstrap", "with " + servers + " servers, mark the one that starts the cluster: "
                    + "seed_bootstrap=true on its host line");
        }
        if (servers > 1 && !root.has("cluster.registrationAddress") && !settingsHave.test("cluster.registrationAddress")) {
            diagnostics.note(start(), "seed_registration_address", "with " + servers + " servers, set seed_registration_address "
                    + "(or rke2_api_ip) in the vars of group all to the VIP, load balancer or DNS name in front of the servers");
        }
    }

    /** The file's base name as an RFC 1123 label; a generic name (hosts, inventory) gives way to its folder's. */
    private String defaultClusterName() {
        java.nio.file.Path path = file == null ? null : file.toAbsolutePath().normalize();
        String base = path == null || path.getFileName() == null ? "" : path.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        if (Set.of("hosts", "inventory", "host", "main", "").contains(base.toLowerCase(Locale.ROOT)) && path != null
                && path.getParent() != null && path.getParent().getFileName() != null) {
            base = path.getParent().getFileName().toString();
        }
        String label = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        label = label.length() > 63 ? label.substring(0, 63).replaceAll("-+$", "") : label;
        return label.isEmpty() ? "seed" : label;
    }
}
