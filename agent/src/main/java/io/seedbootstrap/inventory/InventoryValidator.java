package io.seedbootstrap.inventory;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.NetAddresses.Span;
import io.seedbootstrap.bind.NetAddresses;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Connection;
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
import java.util.ArrayList;
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
    private final ThisMachine machine;
    /** The host found to be this machine by its address alone, or -1. */
    private int autoLocal = -1;

    private InventoryValidator(Inventory inventory, Map<String, Position> positions, Set<String> explicitPaths,
            Diagnostics diagnostics, Path file, ThisMachine machine) {
        this.machine = machine;
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
        validate(inventory, positions, explicitPaths, diagnostics, file, null);
    }

    /**
     * As above, also checking which host is this machine against {@code machine} (null: only the
     * inventory's own connection fields).
     *
     * @return the index of the host that is local by its address alone (no connection field), or -1
     */
    public static int validate(Inventory inventory, Map<String, Position> positions, Set<String> explicitPaths,
            Diagnostics diagnostics, Path file, ThisMachine machine) {
        InventoryValidator validator = new InventoryValidator(inventory, positions, explicitPaths, diagnostics, file, machine);
        validator.run();
        return validator.autoLocal;
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

    /**
     * Which host is the machine seed-bootstrap runs on (docs/formats.md "Which host is local"):
     * the one with {@code connection: local}, whose address must then be this machine's, or else
     * the one whose address is an interface address of this machine (unless it says
     * {@code connection: ssh}, or a jump host is in the way: addresses are then the far side's).
     * Two hosts that are this machine are refused: which one to reach without SSH would be a guess.
     * Without {@link #machine} (tests, tools) only the inventory's own word is checked.
     */
    private void checkConnections() {
        List<Host> hosts = inventory.hosts();
        boolean jump = inventory.ssh() != null && inventory.ssh().jumpHost() != null;
        List<Integer> thisMachine = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            boolean local = host.connection() == Connection.LOCAL;
            ThisMachine.Match match = machine == null || host.address() == null ? null : machine.match(host.address());
            if (local && match == ThisMachine.Match.OTHER) {
                error("hosts[" + i + "].connection", "connection: local says " + host.name() + " is the machine seed-bootstrap runs on, "
                        + "but its address " + host.address() + " is not an address of this machine: run seed-bootstrap on "
                        + host.name() + ", or remove connection: local to reach it over SSH");
                continue;
            }
            boolean explicit = explicitPaths.contains("hosts[" + i + "].connection");
            if (local || (match == ThisMachine.Match.INTERFACE && !jump)) {
                thisMachine.add(i);
                if (!local && !explicit) {
                    autoLocal = i;
                }
            }
        }
        if (thisMachine.size() > 1) {
            int first = thisMachine.get(0);
            for (int i : thisMachine.subList(1, thisMachine.size())) {
                Host host = hosts.get(i);
                String field = host.connection() == Connection.LOCAL ? "connection" : "address";
                error("hosts[" + i + "]." + field, host.name() + " (" + host.address() + ") and hosts[" + first + "] ("
                        + hosts.get(first).name() + ", " + hosts.get(first).address() + ") are both the machine seed-bootstrap runs on"
                        + " (connection: local, or an address of this machine); only one host can be: fix the address,"
                        + " or set connection: ssh on the one to reach over SSH");
            }
            autoLocal = -1;
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
        Set<String> catalog = checkCatalog(apps, components);
        apps.seedLabels().forEach((key, value) -> {
            String name = key.substring(key.indexOf('/') + 1);
            if (key.startsWith("app/") && "install".equals(value) && !components.contains(name) && !catalog.contains(name)) {
                error("apps.seedLabels[\"" + key + "\"]", "label asks for \"" + name + "\" but neither apps.components nor "
                        + "apps.catalog.install lists it; add it to one of them, or remove the label");
            }
        });
        checkReadable(apps.argocd().repo() == null ? null : apps.argocd().repo().caFile(), "apps.argocd.repo.caFile", "CA certificate");
        checkReadable(apps.argocd().repo() == null ? null : apps.argocd().repo().sshPrivateKeyFile(), "apps.argocd.repo.sshPrivateKeyFile",
                "SSH private key");
    }

    /**
     * The platform catalog (issue 18): unique names, none also a Git component (both select clusters by app/&lt;name&gt;),
     * a chart repository, ArgoCD on, and the settings external-secrets and Velero cannot do without.
     * Whether each entry is in the bundle is checked with the bundle, before any host is touched (CheckSeedApps).
     */
    private Set<String> checkCatalog(Apps apps, Set<String> components) {
        Apps.Catalog catalog = apps.catalog();
        Set<String> names = new java.util.LinkedHashSet<>();
        for (int i = 0; i < catalog.install().size(); i++) {
            String name = catalog.install().get(i).name();
            if (name == null) {
                continue;
            }
            if (!names.add(name)) {
                error("apps.catalog.install[" + i + "].name", "catalog entry \"" + name + "\" is listed twice");
            } else if (components.contains(name)) {
                error("apps.catalog.install[" + i + "].name", "\"" + name + "\" is both a catalog entry and a Git component "
                        + "(apps.components); both select clusters by the label app/" + name + ": install, so keep one");
            }
        }
        if (names.isEmpty()) {
            return names;
        }
        if (!apps.argocd().enabled()) {
            error("apps.catalog.install", "catalog entries are listed but ArgoCD is disabled (apps.argocd.enabled: false); "
                    + "ArgoCD is what installs them");
        }
        if (catalog.chartRepository() == null && inventory.registries().systemDefaultRegistry() == null) {
            error("apps.catalog.chartRepository", "catalog entries come from the site registry as OCI charts: set "
                    + "apps.catalog.chartRepository to what `seed-bootstrap bundle push` printed, or registries.systemDefaultRegistry");
        }
        if (names.contains("external-secrets")) {
            Apps.ExternalSecrets store = catalog.externalSecrets();
            Apps.Vault issuerVault = apps.certManager().issuer().vault();
            if (store.server() == null && (issuerVault == null || issuerVault.server() == null)) {
                error("apps.catalog.externalSecrets.server", "external-secrets reads the site's Vault: set its URL here "
                        + "(or use a Vault issuer, apps.certManager.issuer.vault, whose settings are the default)");
            }
            if (store.roleId() == null && (issuerVault == null || issuerVault.roleId() == null)) {
                error("apps.catalog.externalSecrets.roleId", "external-secrets logs in to Vault with AppRole: set its role id "
                        + "(or apps.certManager.issuer.vault.roleId)");
            }
            if (store.secretId() == null && (issuerVault == null || issuerVault.secretId() == null)) {
                error("apps.catalog.externalSecrets.secretId", "external-secrets logs in to Vault with AppRole: set its secret id "
                        + "as ${ENV_VAR} (or apps.certManager.issuer.vault.secretId)");
            }
            if (!List.of("v1", "v2").contains(store.version())) {
                error("apps.catalog.externalSecrets.version", "\"" + store.version() + "\" is not a KV engine version; use v1 or v2");
            }
            checkReadable(store.caFile(), "apps.catalog.externalSecrets.caFile", "CA certificate");
        }
        if (names.contains("velero")) {
            if (catalog.velero() == null) {
                error("apps.catalog.velero", "catalog entry velero needs its backup store: set apps.catalog.velero "
                        + "(s3Url, bucket, accessKeyId and secretAccessKey as ${ENV_VAR})");
            } else {
                checkReadable(catalog.velero().caFile(), "apps.catalog.velero.caFile", "CA certificate");
            }
        }
        return names;
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
