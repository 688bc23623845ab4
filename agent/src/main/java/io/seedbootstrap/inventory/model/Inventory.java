package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Required;
import java.util.List;
import java.util.Optional;

/**
 * Inventory schema v1 (docs/formats.md "Inventory v1"): one seed cluster, how to reach its
 * machines, and what to lay down on them. Every section later issues need is here; they extend
 * it, never add a parallel configuration file.
 */
@Doc("A seed-bootstrap inventory: one RKE2 seed cluster and the machines it runs on.")
public record Inventory(
        @Doc("Format version of this file.") @Default(Inventory.API_VERSION) String apiVersion,
        @Doc("The cluster: name, RKE2 version, CNI, registration address.") @Required Cluster cluster,
        @Doc("How to reach the machines over SSH (defaults for every host).") Ssh ssh,
        @Doc("Minimums the read-only preflight checks hold every host to.") Preflight preflight,
        @Doc("The offline bundle to install from and the key it must be signed with.") Bundle bundle,
        @Doc("Where the site's PKI lives and how the site CA is obtained.") Pki pki,
        @Doc("RKE2 settings beyond the cluster basics: CIS profile, snapshots, extra config.") Rke2 rke2,
        @Doc("Private registry mirrors (written to /etc/rancher/rke2/registries.yaml on every node).") Registries registries,
        @Doc("The seed applications: cert-manager, Rancher, ArgoCD and the platform components ArgoCD pushes.") Apps apps,
        @Doc("MetalLB load-balancer address pools.") MetalLb metallb,
        @Doc("The machines. Exactly one server is the bootstrap server.") @Required List<Host> hosts) {
    /** The format version this seed-bootstrap reads and writes. */
    public static final String API_VERSION = "seed-bootstrap/v1";


    public List<Host> servers() {
        return hosts.stream().filter(h -> h.role() == Role.SERVER).toList();
    }

    public List<Host> agents() {
        return hosts.stream().filter(h -> h.role() == Role.AGENT).toList();
    }

    /**
     * The server that starts the cluster: the one marked {@code bootstrap: true}, or the only
     * server when there is just one (validation guarantees one of the two).
     */
    public Host bootstrapServer() {
        List<Host> servers = servers();
        return servers.stream().filter(Host::bootstrap).findFirst()
                .orElseGet(() -> servers.size() == 1 ? servers.get(0) : null);
    }

    public Optional<Host> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
