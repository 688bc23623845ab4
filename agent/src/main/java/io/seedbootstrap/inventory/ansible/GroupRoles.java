package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.inventory.model.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Ansible groups make a host an RKE2 server or agent: the RKE2 Ansible roles'
 * (rke2_servers, rke2_agents), Kubespray's (kube_control_plane and the legacy kube-master,
 * kube_node and kube-node), and the plain names (servers, agents, masters, workers; masters and
 * workers are also lablabs/ansible-role-rke2's defaults). {@code --group-role GROUP=ROLE}
 * overrides or extends them.
 */
final class GroupRoles {
    static final String BASTION = "bastion";

    static final Map<String, Role> CONVENTIONS;

    /** Groups that mean something to Kubernetes installers but nothing to an RKE2 seed, with why. */
    static final Map<String, String> IGNORED = Map.of(
            "etcd", "RKE2 runs etcd on every server",
            "calico_rr", "Calico route reflectors do not apply to canal or cilium");

    static {
        Map<String, Role> roles = new LinkedHashMap<>();
        roles.put("rke2_servers", Role.SERVER);
        roles.put("kube_control_plane", Role.SERVER);
        roles.put("kube-master", Role.SERVER);
        roles.put("kube_master", Role.SERVER);
        roles.put("servers", Role.SERVER);
        roles.put("masters", Role.SERVER);
        roles.put("rke2_agents", Role.AGENT);
        roles.put("kube_node", Role.AGENT);
        roles.put("kube-node", Role.AGENT);
        roles.put("agents", Role.AGENT);
        roles.put("workers", Role.AGENT);
        CONVENTIONS = java.util.Collections.unmodifiableMap(roles);
    }

    private GroupRoles() {}

    /** The conventions with the operator's --group-role mappings on top. */
    static Map<String, Role> with(Map<String, Role> overrides) {
        Map<String, Role> roles = new LinkedHashMap<>(CONVENTIONS);
        roles.putAll(overrides);
        return roles;
    }
}
