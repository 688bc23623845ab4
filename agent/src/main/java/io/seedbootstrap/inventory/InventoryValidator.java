package io.seedbootstrap.inventory;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.NetAddresses.Span;
import io.seedbootstrap.bind.NetAddresses;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.HostSsh;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.MetalLb;
import io.seedbootstrap.inventory.model.Pki;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.inventory.model.Ssh;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks that need the whole inventory (the binder checks each value on its own): host
 * uniqueness, the bootstrap server, HA rules, readable key files, cross-section consistency.
 * Tier one of the three validation tiers (architecture.md): nothing here touches a host.
 */
public final class InventoryValidator {
    /** config.yaml keys the inventory owns; setting them through extra config would bypass checks or leak secrets. */
    private static final Map<String, String> MANAGED_KEYS = Map.ofEntries(
            Map.entry("token", "the join token comes from the PKI directory (pki init), never from the inventory"),
            Map.entry("token-file", "the join token comes from the PKI directory (pki init)"),
            Map.entry("agent-token", "the agent token comes from the PKI directory (pki init)"),
            Map.entry("agent-token-file", "the agent token comes from the PKI directory (pki init)"),
            Map.entry("server", "seed-bootstrap sets it from cluster.registrationAddress"),
            Map.entry("cni", "use cluster.cni"),
            Map.entry("node-ip", "use hosts[].nodeIp"),
            Map.entry("node-name", "use hosts[].nodeName"),
            Map.entry("node-label", "use hosts[].labels"),
            Map.entry("node-taint", "use hosts[].taints"),
            Map.entry("tls-san", "use cluster.tlsSan"),
            Map.entry("ingress-controller", "use cluster.ingressController"),
            Map.entry("profile", "use rke2.profile"),
            Map.entry("cluster-cidr", "use cluster.clusterCidr"),
            Map.entry("service-cidr", "use cluster.serviceCidr"),
            Map.entry("cluster-domain", "use cluster.clusterDomain"),
            Map.entry("system-default-registry", "use registries.systemDefaultRegistry"));

    private final Inventory inventory;
    private final Map<String, Position> positions;
    private final Set<String> explicitPaths;
    private final Diagnostics diagnostics;
    private final Path fallbackFile;

    private InventoryValidator(Inventory inventory, Map<String, Position> positions, Set<String> explicitPaths,
            Diagnostics diagnostics, Path file) {
        this.inventory = inventory;
        this.positions = positions;
        this.explicitPaths = explicitPaths;
        this.diagnostics = diagnostics;
        this.fallbackFile = file;
    }

    /**
     * @param positions where each YAML path was found (defaults: where their section is)
     * @param explicitPaths the paths the input wrote itself
     */
    public static void validate(Inventory inventory, Map<String, Position> positions, Set<String> explicitPaths,
            Diagnostics diagnostics, Path file) {
        new InventoryValidator(inventory, positions, explicitPaths, diagnostics, file).run();
    }

    private void run() {
        List<Host> hosts = inventory.hosts();
        if (hosts.isEmpty()) {
            if (explicitPaths.contains("hosts") && !diagnostics.hasErrorAt("hosts")) {
                error("hosts", "no hosts are listed; add at least one host with role: server");
            }
            return;
        }
        checkUnique("name", Host::name);
        checkUnique("address", Host::address);
        checkUnique("nodeIp", Host::nodeIp);
        checkNodeNames();
        checkServers();
        checkCluster();
        checkSsh();
        checkConnections();
        checkSudoPasswords();
        checkExtraConfig();
        checkRegistries();
        checkApps();
        checkMetalLb();
        checkPki();
    }

    private void checkUnique(String field, Function<Host, String> value) {
        Map<String, Integer> seen = new HashMap<>();
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            String v = value.apply(hosts.get(i));
            if (v == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(v.toLowerCase(java.util.Locale.ROOT), i);
            if (first != null) {
                error("hosts[" + i + "]." + field, "duplicate " + field + " \"" + v + "\": hosts[" + first + "] ("
                        + hosts.get(first).name() + ") has it too; each host needs its own");
            }
        }
    }

    // The local transport (issue 17) is not in this version: refuse rather than reach a "local" host over SSH.
    private void checkConnections() {
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).connection() == io.seedbootstrap.inventory.model.Connection.LOCAL) {
                error("hosts[" + i + "].connection", "connection: local is not supported by this version; "
                        + "remove it to reach " + hosts.get(i).name() + " over SSH");
            }
        }
    }

    private void checkNodeNames() {
        Map<String, Integer> seen = new HashMap<>();
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            if (host.name() == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(host.effectiveNodeName(), i);
            if (first != null && host.nodeName() != null) {
                error("hosts[" + i + "].nodeName", "node name \"" + host.effectiveNodeName() + "\" is also the node name of hosts["
                        + first + "]; Kubernetes node names must be unique");
            }
        }
    }

    private void checkServers() {
        List<Host> hosts = inventory.hosts();
        List<Host> servers = inventory.servers();
        if (servers.isEmpty() && hosts.stream().allMatch(h -> h.role() != null)) {
            error("hosts", "no host has role: server; a cluster needs at least one server (3 for HA)");
        }
        int bootstraps = 0;
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            if (!host.bootstrap()) {
                continue;
            }
            if (host.role() == Role.AGENT) {
                error("hosts[" + i + "].bootstrap", "an agent cannot be the bootstrap server; set bootstrap: true on one server");
            } else if (++bootstraps > 1) {
                error("hosts[" + i + "].bootstrap", "more than one server has bootstrap: true; exactly one server starts the cluster");
            }
        }
        if (bootstraps == 0 && servers.size() > 1) {
            error("hosts", "none of the " + servers.size() + " servers has bootstrap: true; mark exactly one "
                    + "(it is never inferred from order, so reordering hosts cannot move the cluster's origin)");
        }
        if (servers.size() > 1 && servers.size() % 2 == 0) {
            warning("hosts", servers.size() + " servers is an even number: etcd keeps quorum with "
                    + (servers.size() / 2 + 1) + " of them, the same fault tolerance as " + (servers.size() - 1) + "; use an odd number");
        }
        if (servers.size() > 1 && inventory.cluster().registrationAddress() == null) {
            error("cluster.registrationAddress", "required with more than one server: a VIP, load balancer or DNS name that "
                    + "forwards ports 9345 and 6443 to the servers");
        }
    }

    private void checkCluster() {
        var cluster = inventory.cluster();
        if (cluster.cni() == Cni.CANAL && explicitPaths.contains("cluster.cilium")) {
            error("cluster.cilium", "cilium options are set but cluster.cni is " + cluster.cni().key() + "; set cni: cilium or remove them");
        }
        Span pods = cluster.clusterCidr() == null ? null : NetAddresses.parseCidr(cluster.clusterCidr());
        Span services = cluster.serviceCidr() == null ? null : NetAddresses.parseCidr(cluster.serviceCidr());
        if (pods != null && services != null && pods.overlaps(services)) {
            error("cluster.serviceCidr", "overlaps cluster.clusterCidr " + cluster.clusterCidr() + "; pick disjoint networks");
        }
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            for (String ip : new String[] {hosts.get(i).address(), hosts.get(i).nodeIp()}) {
                InetAddress address = ip == null ? null : NetAddresses.parseIp(ip);
                if (address == null) {
                    continue;
                }
                if (pods != null && pods.contains(address)) {
                    error("hosts[" + i + "]", "host IP " + ip + " is inside cluster.clusterCidr " + cluster.clusterCidr()
                            + "; change clusterCidr so pod and node networks do not overlap");
                } else if (services != null && services.contains(address)) {
                    error("hosts[" + i + "]", "host IP " + ip + " is inside cluster.serviceCidr " + cluster.serviceCidr()
                            + "; change serviceCidr so service and node networks do not overlap");
                }
            }
        }
    }

    private void checkSsh() {
        var ssh = inventory.ssh();
        checkReadable(ssh.identityFile(), "ssh.identityFile", "SSH private key");
        if (ssh.jumpHost() != null) {
            checkReadable(ssh.jumpHost().identityFile(), "ssh.jumpHost.identityFile", "SSH private key");
        }
        List<Host> hosts = inventory.hosts();
        boolean everyHostPinned = true;
        for (int i = 0; i < hosts.size(); i++) {
            HostSsh hostSsh = hosts.get(i).ssh();
            if (hostSsh != null) {
                checkReadable(hostSsh.identityFile(), "hosts[" + i + "].ssh.identityFile", "SSH private key");
            }
            everyHostPinned &= hostSsh != null && hostSsh.hostKey() != null;
        }
        Path knownHosts = ssh.knownHosts();
        if (knownHosts != null && Files.exists(knownHosts)) {
            // a device or fifo (/dev/zero) would be read until memory runs out; a huge file is parsed at every connect
            try {
                String problem = Ssh.knownHostsProblem(knownHosts);
                if (problem != null) {
                    error("ssh.knownHosts", "known_hosts file " + problem);
                }
            } catch (java.io.IOException e) {
                error("ssh.knownHosts", "cannot read known_hosts file " + knownHosts + ": " + e.getMessage());
            }
        }
        if (!everyHostPinned && knownHosts != null && explicitPaths.contains("ssh.knownHosts") && !Files.exists(knownHosts)) {
            warning("ssh.knownHosts", "known_hosts file " + knownHosts + " does not exist: hosts without a pinned hostKey will be "
                    + "refused until their keys are recorded (pin them, or run once with --accept-new-host-keys after checking the fingerprints)");
        }
    }

    private void checkReadable(Path file, String path, String what) {
        if (file == null) {
            return;
        }
        if (!Files.exists(file)) {
            error(path, what + " " + file + " does not exist; check the path (relative paths are relative to the inventory file)");
        } else if (!Files.isRegularFile(file)) {
            error(path, what + " " + file + " is not a regular file");
        } else if (!Files.isReadable(file)) {
            error(path, what + " " + file + " is not readable by this user; fix its permissions (0600, owned by you)");
        }
    }

    private void checkExtraConfig() {
        checkManagedKeys(inventory.rke2().config(), "rke2.config");
        checkManagedKeys(inventory.rke2().serverConfig(), "rke2.serverConfig");
        checkManagedKeys(inventory.rke2().agentConfig(), "rke2.agentConfig");
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            checkManagedKeys(hosts.get(i).config(), "hosts[" + i + "].config");
        }
    }

    private void checkManagedKeys(Map<String, Object> config, String path) {
        for (String key : config.keySet()) {
            String bare = key.endsWith("+") ? key.substring(0, key.length() - 1) : key;
            String reason = MANAGED_KEYS.get(bare);
            if (reason != null) {
                error(path + "." + key, "\"" + bare + "\" is managed by seed-bootstrap and cannot be set as extra config: " + reason);
            }
        }
    }

    private void checkRegistries() {
        var registries = inventory.registries();
        if (registries.systemDefaultRegistry() != null && registries.mirrors().isEmpty()) {
            error("registries.systemDefaultRegistry", "set only together with a registry mirror (registries.mirrors): chart images "
                    + "renamed to the registry would not match the images imported from the bundle (contract A.3)");
        }
        registries.configs().forEach((host, config) -> {
            // the key names a registry endpoint (A.6) and becomes a file name under /etc/rancher/rke2/certs
            if (!io.seedbootstrap.bind.TextFormat.HOST_PORT.matches(host)) {
                error("registries.configs[\"" + host + "\"]", "\"" + host + "\" is not "
                        + io.seedbootstrap.bind.TextFormat.HOST_PORT.description() + " (the endpoint's host[:port], no scheme or path)");
            }
            checkReadable(config.caFile(), "registries.configs[\"" + host + "\"].caFile", "CA certificate");
        });
    }

    private void checkApps() {
        Apps apps = inventory.apps();
        if (apps.rancher().enabled() && apps.rancher().hostname() == null) {
            error("apps.rancher.hostname", "Rancher is enabled (the default) but has no hostname; set the FQDN its certificate "
                    + "is issued for, or set apps.rancher.enabled: false");
        }
        Apps.Issuer issuer = apps.certManager().issuer();
        if (issuer.type() == Apps.IssuerType.VAULT && issuer.vault() == null) {
            error("apps.certManager.issuer.vault", "issuer type vault needs a vault section (server, path, roleId, secretId)");
        } else if (issuer.type() == Apps.IssuerType.VAULT) {
            // the AppRole Secret is created once: a missing id would leave a broken issuer that re-runs never repair
            if (issuer.vault().roleId() == null) {
                error("apps.certManager.issuer.vault.roleId", "the Vault AppRole role id is required with issuer type vault");
            }
            if (issuer.vault().secretId() == null) {
                error("apps.certManager.issuer.vault.secretId", "the Vault AppRole secret id is required with issuer type vault; use ${ENV_VAR}");
            }
            // E.2/E.3: cert-manager issues tls-rancher-ingress from Vault, so Rancher's privateCA (tls-ca) must be Vault's CA
            if (apps.certManager().enabled() && apps.rancher().enabled() && issuer.vault().pkiCaFile() == null) {
                error("apps.certManager.issuer.vault.pkiCaFile", "with issuer type vault and Rancher on (apps.rancher), cert-manager "
                        + "issues Rancher's ingress certificate from Vault, and Rancher's tls-ca (privateCA) must be the CA that signs it: "
                        + "set pkiCaFile to the Vault PKI's CA certificate (PEM), or use issuer type ca, or set apps.rancher.enabled: false");
            }
            checkReadable(issuer.vault().pkiCaFile(), "apps.certManager.issuer.vault.pkiCaFile", "CA certificate");
        }
        if (!apps.components().isEmpty() && (apps.argocd().repo() == null)) {
            error("apps.components", "platform components are listed but apps.argocd.repo is not set; ArgoCD needs the site's Git "
                    + "repository to read them from");
        }
        Set<String> components = new java.util.HashSet<>();
        for (int i = 0; i < apps.components().size(); i++) {
            Apps.Component component = apps.components().get(i);
            if (component.name() != null && !components.add(component.name())) {
                error("apps.components[" + i + "].name", "component \"" + component.name() + "\" is listed twice");
            }
        }
        apps.seedLabels().forEach((key, value) -> {
            if (key.startsWith("app/") && "install".equals(value) && !components.contains(key.substring(4))) {
                error("apps.seedLabels[\"" + key + "\"]", "label asks for component \"" + key.substring(4)
                        + "\" but apps.components does not list it; add it there (with its Git path) or remove the label");
            }
        });
        checkReadable(apps.argocd().repo() == null ? null : apps.argocd().repo().caFile(), "apps.argocd.repo.caFile", "CA certificate");
        checkReadable(apps.argocd().repo() == null ? null : apps.argocd().repo().sshPrivateKeyFile(), "apps.argocd.repo.sshPrivateKeyFile",
                "SSH private key");
    }

    private void checkMetalLb() {
        MetalLb metallb = inventory.metallb();
        if (!metallb.enabled()) {
            return;
        }
        if (metallb.pools().isEmpty()) {
            error("metallb.pools", "MetalLB is enabled but has no address pool; add one with the addresses it may hand out");
        }
        if (metallb.mode() == MetalLb.Mode.BGP && metallb.bgpPeers().isEmpty()) {
            error("metallb.bgpPeers", "mode bgp needs at least one BGP peer");
        }
        record Named(String path, String text, Span span) {}
        List<Named> spans = new java.util.ArrayList<>();
        for (int p = 0; p < metallb.pools().size(); p++) {
            List<String> addresses = metallb.pools().get(p).addresses();
            for (int a = 0; a < addresses.size(); a++) {
                Span span = NetAddresses.parseSpan(addresses.get(a));
                if (span != null) {
                    spans.add(new Named("metallb.pools[" + p + "].addresses[" + a + "]", addresses.get(a), span));
                }
            }
        }
        for (int i = 0; i < spans.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (spans.get(i).span().overlaps(spans.get(j).span())) {
                    error(spans.get(i).path(), spans.get(i).text() + " overlaps " + spans.get(j).text() + " (" + spans.get(j).path()
                            + "); MetalLB pools must not overlap");
                }
            }
            for (Host host : inventory.hosts()) {
                for (String ip : new String[] {host.address(), host.nodeIp()}) {
                    InetAddress address = ip == null ? null : NetAddresses.parseIp(ip);
                    if (address != null && spans.get(i).span().contains(address)) {
                        error(spans.get(i).path(), spans.get(i).text() + " contains " + ip + ", the address of host " + host.name()
                                + "; MetalLB would hand it to a Service and break that node");
                    }
                }
            }
        }
    }

    private void checkPki() {
        int bits = inventory.pki().rsaKeyBits();
        if (bits != 2048 && bits != 3072 && bits != 4096) {
            error("pki.rsaKeyBits", bits + " is not a supported RSA key size; use 4096 (the default), 3072 or 2048");
        }
        Pki.SiteCa site = inventory.pki().site();
        if (site.source() == Pki.SiteCaSource.IMPORT) {
            if (site.certFile() == null) {
                error("pki.site.certFile", "site CA source import needs certFile (the CA certificate, PEM)");
            }
            if (site.keyFile() == null) {
                error("pki.site.keyFile", "site CA source import needs keyFile (the CA private key, PEM)");
            }
            checkReadable(site.certFile(), "pki.site.certFile", "CA certificate");
            checkReadable(site.keyFile(), "pki.site.keyFile", "CA private key");
        }
    }

    /**
     * sudo reads its password as one line from stdin (-S): text after a line break would reach the
     * command's own stdin, so such a password is refused (never echoed: it is a secret).
     */
    private void checkSudoPasswords() {
        checkOneLine(inventory.ssh().sudoPassword(), "ssh.sudoPassword");
        List<Host> hosts = inventory.hosts();
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).ssh() != null) {
                checkOneLine(hosts.get(i).ssh().sudoPassword(), "hosts[" + i + "].ssh.sudoPassword");
            }
        }
    }

    private void checkOneLine(io.seedbootstrap.support.Secret password, String path) {
        if (password != null && (password.reveal().indexOf('\n') >= 0 || password.reveal().indexOf('\r') >= 0)) {
            error(path, "the sudo password " + (password.source() != null ? "from " + password.source() + " " : "")
                    + "contains a line break; sudo reads one line, so the rest would reach the command's input: "
                    + "set it without the line break (e.g. export it with printf '%s', not from a file ending in a newline)");
        }
    }

    private void error(String path, String message) {
        diagnostics.error(positionOf(path), path, message);
    }

    private void warning(String path, String message) {
        diagnostics.warning(positionOf(path), path, message);
    }

    /** The closest recorded position: the path itself, else its nearest parent. */
    private Position positionOf(String path) {
        String current = path;
        while (!current.isEmpty()) {
            Position position = positions.get(current);
            if (position != null) {
                return position;
            }
            int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
            current = cut < 0 ? "" : current.substring(0, cut);
        }
        return positions.getOrDefault("", Position.unknown(fallbackFile));
    }
}
