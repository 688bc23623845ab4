package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one table of what inventory variables mean to seed-bootstrap.
 *
 * <ul>
 *   <li>Ansible's own connection variables and the RKE2 Ansible roles' conventions
 *       (rancherfederal/rke2-ansible, lablabs/ansible-role-rke2, Kubespray's {@code ip}) map to
 *       single fields, listed below by hand.
 *   <li>{@code seed_*} variables are derived from the inventory model, so every field has one and
 *       a new field gets one automatically: the field's path in snake case, without a leading
 *       {@code cluster.} or {@code apps.} ({@code cluster.rke2Version} is {@code seed_rke2_version},
 *       {@code apps.argocd.repo.url} is {@code seed_argocd_repo_url}, {@code bundle.path} is
 *       {@code seed_bundle_path}). Exceptions: {@code seed_cluster_name} (cluster.name) and
 *       {@code seed_labels} (apps.seedLabels), {@code seed_annotations} (apps.seedAnnotations). Host-level ones are few and named by hand:
 *       {@code seed_bootstrap}, {@code seed_host_key}, {@code seed_host_config}.
 * </ul>
 */
final class AnsibleVariables {
    enum Level { HOST, CLUSTER }

    /** An inventory variable and the model field it sets: a path under a host, or under the inventory. */
    record Mapping(String variable, Level level, String path, Type type) {
        boolean isSecret() {
            return type == io.seedbootstrap.support.Secret.class;
        }
    }

    /** Variables that name a node's role explicitly (lablabs: rke2_type; others: rke2_node_type, rke2_role). */
    static final List<String> ROLE_VARIABLES = List.of("rke2_type", "rke2_node_type", "rke2_role");

    /** Join tokens: never taken from an inventory. */
    static final Set<String> TOKEN_VARIABLES = Set.of("rke2_token", "rke2_agent_token", "rke2_config_token", "rke2_server_token");

    /** Ansible variables that look like they matter but cannot be honoured, with what to do instead. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "ansible_password", "SSH password logins are not supported; use a key (ssh-agent, or ansible_ssh_private_key_file)",
            "ansible_ssh_pass", "SSH password logins are not supported; use a key (ssh-agent, or ansible_ssh_private_key_file)",
            "ansible_ssh_password", "SSH password logins are not supported; use a key (ssh-agent, or ansible_ssh_private_key_file)",
            "ansible_paramiko_pass", "SSH password logins are not supported; use a key (ssh-agent, or ansible_ssh_private_key_file)",
            "ansible_paramiko_password", "SSH password logins are not supported; use a key (ssh-agent, or ansible_ssh_private_key_file)",
            "ansible_ssh_common_args", "extra ssh arguments are not used (seed-bootstrap speaks SSH itself); for a jump host, use a bastion group",
            "ansible_ssh_extra_args", "extra ssh arguments are not used (seed-bootstrap speaks SSH itself); for a jump host, use a bastion group");

    private static final java.util.regex.Pattern WORD_START = java.util.regex.Pattern.compile("([a-z0-9])([A-Z])(?=[a-z])");
    private static final Map<String, Mapping> BY_NAME;
    private static final Map<String, String> SEED_NAME_BY_PATH;

    static {
        Map<String, Mapping> table = new LinkedHashMap<>();
        // ansible_paramiko_*: the paramiko connection plugin's own names for the same options
        // (ansible-core lib/ansible/plugins/connection/paramiko_ssh.py, remote_addr/port/remote_user);
        // paramiko is an SSH client like any other, so they set the same fields
        host(table, "address", "ansible_host", "ansible_ssh_host", "ansible_paramiko_host");
        host(table, "connection", "ansible_connection");
        host(table, "ssh.port", "ansible_port", "ansible_ssh_port", "ansible_paramiko_port");
        host(table, "ssh.user", "ansible_user", "ansible_ssh_user", "ansible_paramiko_user");
        host(table, "ssh.identityFile", "ansible_ssh_private_key_file", "ansible_private_key_file");
        host(table, "ssh.sudoPassword", "ansible_become_password", "ansible_become_pass", "ansible_sudo_pass", "ansible_sudo_password");
        host(table, "nodeIp", "node_ip", "ip");
        host(table, "nodeName", "node_name", "rke2_node_name");
        host(table, "labels", "node_labels");
        host(table, "taints", "node_taints");
        host(table, "bootstrap", "seed_bootstrap");
        host(table, "ssh.hostKey", "seed_host_key");
        host(table, "config", "seed_host_config");
        cluster(table, "cluster.rke2Version", "install_rke2_version", "rke2_version");
        cluster(table, "cluster.cni", "rke2_cni");
        cluster(table, "cluster.registrationAddress", "rke2_api_ip");
        cluster(table, "cluster.tlsSan", "rke2_additional_sans");
        cluster(table, "cluster.clusterDomain", "rke2_cluster_domain");
        cluster(table, "rke2.selinux", "rke2_selinux");
        Map<String, String> seedNames = new LinkedHashMap<>();
        derive(Inventory.class, "", table, seedNames);
        BY_NAME = Collections.unmodifiableMap(table);
        SEED_NAME_BY_PATH = Collections.unmodifiableMap(seedNames);
    }

    private AnsibleVariables() {}

    static Mapping find(String variable) {
        return BY_NAME.get(variable);
    }

    static Map<String, Mapping> all() {
        return BY_NAME;
    }

    /** Every variable that sets the same field as this one (aliases), in the table's order. */
    static List<String> namesFor(Level level, String path) {
        return BY_NAME.values().stream().filter(m -> m.level() == level && m.path().equals(path)).map(Mapping::variable).toList();
    }

    /** The seed_* variable of an inventory-level field (cluster.rke2Version: seed_rke2_version). */
    static String seedName(String path) {
        return SEED_NAME_BY_PATH.get(path);
    }

    static List<String> seedNames() {
        return BY_NAME.keySet().stream().filter(n -> n.startsWith("seed_")).toList();
    }

    private static void host(Map<String, Mapping> table, String path, String... names) {
        Type type = typeAt(Host.class, path);
        for (String name : names) {
            add(table, new Mapping(name, Level.HOST, path, type));
        }
    }

    private static void cluster(Map<String, Mapping> table, String path, String... names) {
        Type type = typeAt(Inventory.class, path);
        for (String name : names) {
            add(table, new Mapping(name, Level.CLUSTER, path, type));
        }
    }

    private static void add(Map<String, Mapping> table, Mapping mapping) {
        if (table.putIfAbsent(mapping.variable(), mapping) != null) {
            throw new IllegalStateException("inventory variable " + mapping.variable() + " is mapped twice");
        }
    }

    private static void derive(Class<?> type, String prefix, Map<String, Mapping> table, Map<String, String> seedNames) {
        for (RecordComponent component : type.getRecordComponents()) {
            String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
            if (path.equals("apiVersion") || path.equals("hosts")) {
                continue;
            }
            if (component.getType().isRecord()) {
                derive(component.getType(), path, table, seedNames);
                continue;
            }
            String name = switch (path) {
                case "cluster.name" -> "seed_cluster_name";
                case "apps.seedLabels" -> "seed_labels";
                case "apps.seedAnnotations" -> "seed_annotations";
                default -> "seed_" + snake(path.replaceFirst("^(cluster|apps)\\.", ""));
            };
            add(table, new Mapping(name, Level.CLUSTER, path, component.getGenericType()));
            seedNames.put(path, name);
        }
    }

    /** rke2Version: rke2_version; memoryMiB: memory_mib; a dot becomes an underscore. */
    static String snake(String path) {
        return WORD_START.matcher(path).replaceAll("$1_$2").replace('.', '_').toLowerCase(Locale.ROOT);
    }

    /** The Java type of a field at a dotted path under a record type. */
    static Type typeAt(Class<?> root, String path) {
        Type current = root;
        for (String segment : path.split("\\.")) {
            Class<?> raw = raw(current);
            RecordComponent found = null;
            for (RecordComponent component : raw.getRecordComponents()) {
                if (component.getName().equals(segment)) {
                    found = component;
                }
            }
            if (found == null) {
                throw new IllegalStateException("no field " + path + " in " + root.getSimpleName());
            }
            current = found.getGenericType();
        }
        return current;
    }

    static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }
}
