package io.seedbootstrap.rke2;

import io.seedbootstrap.inventory.model.Cluster;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.inventory.model.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node's /etc/rancher/rke2/config.yaml (contract A.5), rendered from the inventory. It
 * holds no secret: the tokens are referenced as token-file / agent-token-file (0600 files of
 * their own), so the config can be compared and shown as a diff. Everything RKE2 must know
 * before its first start is here, because several values (cni, the critical values, custom
 * CAs) cannot change afterwards.
 */
public final class NodeConfig {
    private NodeConfig() {}

    /** The supervisor port joining nodes register on (A.5 {@code server}, A.8), not 6443. */
    public static final int SUPERVISOR_PORT = 9345;
    public static final int API_PORT = 6443;

    /** The address other nodes and the kubeconfig use: the registration address, else the bootstrap server's. */
    public static String registrationAddress(Inventory inventory) {
        Cluster cluster = inventory.cluster();
        if (cluster.registrationAddress() != null) {
            return cluster.registrationAddress();
        }
        Host bootstrap = inventory.bootstrapServer();
        return bootstrap.nodeIp() != null ? bootstrap.nodeIp() : bootstrap.address();
    }

    public static Map<String, Object> render(Inventory inventory, Host host) {
        Cluster cluster = inventory.cluster();
        Rke2 rke2 = inventory.rke2();
        boolean server = host.role() == Role.SERVER;
        boolean bootstrap = host.equals(inventory.bootstrapServer());
        Map<String, Object> config = new LinkedHashMap<>();

        // A.10: every node but the first registers through the fixed address; the first has no `server`.
        if (!bootstrap) {
            config.put("server", "https://" + bracketed(registrationAddress(inventory)) + ":" + SUPERVISOR_PORT);
        }
        // A.5: token-file holds the server token on servers and the agent token on agents
        // (architecture: agents never hold the server token).
        config.put("token-file", Rke2Paths.TOKEN_FILE);
        if (server) {
            config.put("agent-token-file", Rke2Paths.AGENT_TOKEN_FILE);
        }
        config.put("node-name", host.effectiveNodeName());
        if (host.nodeIp() != null) {
            config.put("node-ip", host.nodeIp());
        }
        if (!host.labels().isEmpty()) {
            List<String> labels = new ArrayList<>();
            host.labels().forEach((k, v) -> labels.add(k + "=" + v));
            config.put("node-label", labels);
        }
        if (!host.taints().isEmpty()) {
            config.put("node-taint", List.copyOf(host.taints()));
        }
        if (server) {
            config.put("tls-san", tlsSans(inventory));
            // A.5: cni cannot change on a running cluster; written before the first start.
            config.put("cni", cluster.cni().key());
            if (cluster.cni() == Cni.CILIUM && cluster.cilium() != null && cluster.cilium().kubeProxyReplacement()) {
                config.put("disable-kube-proxy", true); // A.7: required by Cilium's kube-proxy replacement; a critical value (A.5)
            }
            // A.5: the default flips from ingress-nginx (<= v1.35) to traefik (v1.36+): always explicit.
            config.put("ingress-controller", List.of(cluster.ingressController().key()));
            config.put("write-kubeconfig-mode", "0600");
            // A.5 critical values: identical on every server, so always written.
            config.put("cluster-cidr", cluster.clusterCidr());
            config.put("service-cidr", cluster.serviceCidr());
            config.put("cluster-domain", cluster.clusterDomain());
            Rke2.Snapshots snapshots = rke2.snapshots();
            if (snapshots == null || snapshots.enabled()) {
                config.put("etcd-snapshot-schedule-cron", snapshots == null ? "0 */6 * * *" : snapshots.schedule());
                config.put("etcd-snapshot-retention", snapshots == null ? 10 : snapshots.retention());
                if (snapshots != null && snapshots.compress()) {
                    config.put("etcd-snapshot-compress", true);
                }
            } else {
                config.put("etcd-disable-snapshots", true);
            }
            if (rke2.profile() == Rke2.Profile.CIS) {
                config.put("pod-security-admission-config-file", Rke2Paths.POD_SECURITY_CONFIG);
            }
            // A.3: a system default registry renames chart images; only valid with a mirror (validated on load).
            if (inventory.registries().systemDefaultRegistry() != null) {
                config.put("system-default-registry", inventory.registries().systemDefaultRegistry());
            }
        }
        if (rke2.profile() == Rke2.Profile.CIS) {
            config.put("profile", "cis");
        }
        if (rke2.selinux()) {
            config.put("selinux", true);
        }
        if (inventory.registries().disableDefaultEndpoint()) {
            config.put("disable-default-registry-endpoint", true);
        }
        // A.5: extra config merged cluster, then role, then host; the last one wins.
        merge(config, rke2.config());
        merge(config, server ? rke2.serverConfig() : rke2.agentConfig());
        merge(config, host.config());
        return config;
    }

    /** The rendered file, as written to the host. */
    public static String yaml(Inventory inventory, Host host) {
        return "# Written by seed-bootstrap from the inventory; edit the inventory, not this file.\n"
                + ConfigYaml.write(render(inventory, host));
    }

    /** Registration address first (always, A.10.1), then cluster.tlsSan, then every server's address and node IP. */
    static List<String> tlsSans(Inventory inventory) {
        Set<String> sans = new LinkedHashSet<>();
        sans.add(registrationAddress(inventory));
        sans.addAll(inventory.cluster().tlsSan());
        for (Host server : inventory.servers()) {
            sans.add(server.address());
            if (server.nodeIp() != null) {
                sans.add(server.nodeIp());
            }
        }
        return List.copyOf(sans);
    }

    /** {@code key: value} replaces; {@code key+: [..]} appends to a list the config already has (A.4). */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> config, Map<String, Object> extra) {
        extra.forEach((key, value) -> {
            if (key.endsWith("+")) {
                String bare = key.substring(0, key.length() - 1);
                Object existing = config.get(bare);
                List<Object> merged = new ArrayList<>();
                if (existing instanceof List<?> list) {
                    merged.addAll(list);
                } else if (existing != null) {
                    merged.add(existing);
                }
                if (value instanceof List<?> list) {
                    merged.addAll(list);
                } else {
                    merged.add(value);
                }
                config.put(bare, merged);
            } else {
                config.put(key, value);
            }
        });
    }

    private static String bracketed(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }
}
