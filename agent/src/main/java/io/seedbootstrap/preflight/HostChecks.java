package io.seedbootstrap.preflight;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.ModuleState;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Preflight.Minimums;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.node.Listener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The checks that need no further host access: they judge the facts and root probe of every
 * host (pure functions, unit-tested with fake facts). Cross-host reachability is
 * {@link Reachability}'s.
 */
final class HostChecks {
    /** Contract A.8: TCP ports RKE2 itself listens on, by role. */
    static final Map<Integer, String> SERVER_PORTS = ordered(
            6443, "Kubernetes API", 9345, "RKE2 supervisor", 10250, "kubelet",
            2379, "etcd client", 2380, "etcd peer", 2381, "etcd metrics");
    static final Map<Integer, String> AGENT_PORTS = ordered(10250, "kubelet");
    /** Contract A.8: the CNIs' TCP listeners on the host network (UDP and NodePorts are not bound by a process). */
    static final Map<Cni, Map<Integer, String>> CNI_PORTS = Map.of(
            Cni.CANAL, ordered(9099, "Canal health"),
            Cni.CILIUM, ordered(4240, "Cilium health"));

    /**
     * Process names (the kernel's comm, cut at 15 characters) of RKE2 and what it runs on the host
     * network: the supervisor, etcd, the control plane and kubelet, containerd, the CNI agents.
     */
    static final List<String> RKE2_PROCESS_PREFIXES = List.of("rke2", "etcd", "kube-", "kubelet", "containerd",
            "calico-", "flanneld", "cilium-");

    static final Set<String> SUPPORTED_OS_IDS = Set.of("debian", "ubuntu", "rhel", "centos", "rocky", "almalinux", "ol",
            "fedora", "sles", "sled", "sle-micro", "opensuse-leap", "opensuse-tumbleweed", "opensuse");
    static final Set<String> SUPPORTED_OS_LIKE = Set.of("debian", "ubuntu", "rhel", "centos", "fedora", "suse");

    /** RKE2 docs (known issues): what NetworkManager must leave alone for Canal. */
    static final String CANAL_NM_CONF = "[keyfile]\\nunmanaged-devices=interface-name:flannel*;interface-name:cali*;"
            + "interface-name:tunl*;interface-name:vxlan.calico;interface-name:vxlan-v6.calico;interface-name:wireguard.cali;"
            + "interface-name:wg-v6.cali";

    private final Inventory inventory;
    private final io.seedbootstrap.inventory.model.Preflight settings;

    HostChecks(Inventory inventory, io.seedbootstrap.inventory.model.Preflight settings) {
        this.inventory = inventory;
        this.settings = settings;
    }

    /** Every per-host row for the probed hosts (skipped checks are left out: the caller adds them). */
    List<CheckResult> evaluate(List<HostProbe> probes, Set<Check> skip) {
        List<CheckResult> rows = new ArrayList<>();
        Map<String, List<String>> byHostname = group(probes, f -> f.hostname());
        Map<String, List<String>> byMachineId = group(probes, f -> f.machineId());
        Map<String, List<String>> byNodeIp = new TreeMap<>();
        for (HostProbe p : probes) {
            if (p.facts() != null) {
                NodeIp.of(p.host(), p.facts()).ifPresent(n -> byNodeIp.computeIfAbsent(n.ip(), k -> new ArrayList<>()).add(p.name()));
            }
        }
        for (HostProbe p : probes) {
            String h = p.name();
            if (!p.connected()) {
                rows.add(new CheckResult(h, p.connectFailure().check(), Result.FAIL, p.connectFailure().message()));
                if (p.connectFailure().check() == Check.REACHABLE) {
                    rows.add(CheckResult.skipped(h, Check.AUTH, "not reachable"));
                }
                continue;
            }
            rows.add(CheckResult.pass(h, Check.REACHABLE, "connected, host key verified"));
            rows.add(CheckResult.pass(h, Check.AUTH, "logged in"));
            if (!skip.contains(Check.SUDO)) {
                rows.add(p.sudoError() == null ? CheckResult.pass(h, Check.SUDO, "root commands work")
                        : CheckResult.fail(h, Check.SUDO, p.sudoError()));
            }
            HostFacts f = p.facts();
            if (f == null) {
                // the facts probe runs as root: when sudo failed, the sudo row already says why
                if (p.sudoError() == null || skip.contains(Check.SUDO)) {
                    rows.add(CheckResult.fail(h, Check.OS, "could not read the host's facts: " + p.factsError()));
                }
                continue;
            }
            Minimums min = p.host().role() == Role.SERVER ? settings.server() : settings.agent();
            String role = p.host().role() == Role.SERVER ? "server" : "agent";
            add(rows, skip, Check.OS, () -> os(h, f));
            add(rows, skip, Check.ARCH, () -> arch(h, f));
            add(rows, skip, Check.CPU, () -> cpu(h, f, min, role));
            add(rows, skip, Check.MEMORY, () -> memory(h, f, min, role));
            add(rows, skip, Check.DISK, () -> disk(h, f, min, role));
            add(rows, skip, Check.SWAP, () -> swap(h, f));
            add(rows, skip, Check.CLOCK, () -> clock(h, f));
            add(rows, skip, Check.HOSTNAME_UNIQUE, () -> unique(h, Check.HOSTNAME_UNIQUE, "hostname", f.hostname(), byHostname,
                    "set a unique one (hostnamectl set-hostname NAME): RKE2 node names default to it and must be unique"));
            add(rows, skip, Check.MACHINE_ID_UNIQUE, () -> unique(h, Check.MACHINE_ID_UNIQUE, "machine-id", f.machineId(), byMachineId,
                    "a cloned image? give each host its own: rm /etc/machine-id && systemd-machine-id-setup, then reboot"));
            Optional<NodeIp> nodeIp = NodeIp.of(p.host(), f);
            add(rows, skip, Check.NODE_IP_LOCAL, () -> nodeIpLocal(h, f, nodeIp));
            add(rows, skip, Check.NODE_IP_UNIQUE, () -> nodeIp.isEmpty()
                    ? CheckResult.skipped(h, Check.NODE_IP_UNIQUE, "no node IP known (see node-ip-local)")
                    : unique(h, Check.NODE_IP_UNIQUE, "node IP", nodeIp.get().ip(), byNodeIp,
                            "set hosts[].nodeIp so that every host has its own"));
            add(rows, skip, Check.DEFAULT_ROUTE, () -> f.defaultRoute()
                    ? CheckResult.pass(h, Check.DEFAULT_ROUTE, "present")
                    : CheckResult.fail(h, Check.DEFAULT_ROUTE, "no default route: RKE2 needs one, even a dummy one, to pick the "
                            + "node IP and for kube-proxy (contract A.2); e.g. `ip route add blackhole default` made permanent"));
            add(rows, skip, Check.PORTS, () -> ports(p));
            add(rows, skip, Check.KERNEL_MODULES, () -> modules(h, f));
            add(rows, skip, Check.FIREWALL, () -> firewall(h, f));
            add(rows, skip, Check.NETWORK_MANAGER, () -> networkManager(h, f));
            add(rows, skip, Check.FAPOLICYD, () -> fapolicyd(h, f));
            add(rows, skip, Check.USR_LOCAL, () -> f.usrLocalWritable()
                    ? CheckResult.pass(h, Check.USR_LOCAL, "/usr/local is writable: RKE2 goes to /usr/local")
                    : CheckResult.pass(h, Check.USR_LOCAL, "/usr/local is read-only or a mount point: RKE2 goes to /opt/rke2 "
                            + "(install.sh's fallback, contract A.2)"));
        }
        return rows;
    }

    private static void add(List<CheckResult> rows, Set<Check> skip, Check check, java.util.function.Supplier<CheckResult> row) {
        if (!skip.contains(check)) {
            rows.add(row.get());
        }
    }

    static CheckResult os(String h, HostFacts f) {
        if (f.osId().isEmpty()) {
            return CheckResult.warn(h, Check.OS, "no /etc/os-release: cannot tell the distribution; RKE2 supports Debian/Ubuntu, "
                    + "RHEL-likes and SLES");
        }
        String id = f.osId().toLowerCase(Locale.ROOT);
        boolean like = Arrays.stream(f.osLike().toLowerCase(Locale.ROOT).split("\\s+")).anyMatch(SUPPORTED_OS_LIKE::contains);
        String name = f.osName().isEmpty() ? id + " " + f.osVersionId() : f.osName();
        if (SUPPORTED_OS_IDS.contains(id) || like) {
            return CheckResult.pass(h, Check.OS, name);
        }
        return CheckResult.warn(h, Check.OS, name + " (ID=" + id + ") is none of the distributions RKE2 documents "
                + "(Debian/Ubuntu, RHEL-likes, SLES); it may work, but is untested");
    }

    static CheckResult arch(String h, HostFacts f) {
        Optional<Arch> arch = f.arch();
        if (arch.isPresent()) {
            return CheckResult.pass(h, Check.ARCH, arch.get().key() + " (" + f.machine() + ")");
        }
        return CheckResult.fail(h, Check.ARCH, "RKE2 publishes nothing for " + (f.machine().isEmpty() ? "an unknown machine" : f.machine())
                + "; it runs on amd64, arm64 and s390x (contract A.1)");
    }

    static CheckResult cpu(String h, HostFacts f, Minimums min, String role) {
        String found = f.cpus() + " CPU(s)";
        return f.cpus() >= min.cpus() ? CheckResult.pass(h, Check.CPU, found + ", " + role + " minimum " + min.cpus())
                : CheckResult.fail(h, Check.CPU, found + ", below the " + role + " minimum of " + min.cpus()
                        + " (preflight." + role + ".cpus): add CPUs or lower the minimum");
    }

    /**
     * MemTotal excludes what firmware and kernel reserve, so a machine with exactly the configured
     * memory shows a little less: up to 5 % below the minimum passes.
     */
    static CheckResult memory(String h, HostFacts f, Minimums min, String role) {
        String found = f.memoryMiB() + " MiB";
        long floor = min.memoryMiB() * 95L / 100;
        return f.memoryMiB() >= floor ? CheckResult.pass(h, Check.MEMORY, found + ", " + role + " minimum " + min.memoryMiB() + " MiB")
                : CheckResult.fail(h, Check.MEMORY, found + ", below the " + role + " minimum of " + min.memoryMiB()
                        + " MiB (preflight." + role + ".memoryMiB): add memory or lower the minimum");
    }

    static CheckResult disk(String h, HostFacts f, Minimums min, String role) {
        String found = f.rancherDiskFreeGiB() + " GiB free under /var/lib/rancher";
        return f.rancherDiskFreeGiB() >= min.diskGiB()
                ? CheckResult.pass(h, Check.DISK, found + ", " + role + " minimum " + min.diskGiB() + " GiB")
                : CheckResult.fail(h, Check.DISK, found + ", below the " + role + " minimum of " + min.diskGiB()
                        + " GiB (preflight." + role + ".diskGiB): free space or grow the file system holding /var/lib/rancher");
    }

    static CheckResult swap(String h, HostFacts f) {
        return f.swapMiB() == 0 ? CheckResult.pass(h, Check.SWAP, "off")
                : CheckResult.warn(h, Check.SWAP, f.swapMiB() + " MiB of swap: Kubernetes expects it off; `swapoff -a` and remove it "
                        + "from /etc/fstab");
    }

    CheckResult clock(String h, HostFacts f) {
        long offsetMs = f.clockOffset().toMillis();
        String offset = String.format(Locale.ROOT, "%+.1f s", offsetMs / 1000.0);
        int max = settings.maxClockSkewSeconds();
        if (Math.abs(offsetMs) > max * 1000L) {
            return CheckResult.fail(h, Check.CLOCK, "clock is " + offset + " off the operator's machine (at most " + max
                    + " s, preflight.maxClockSkewSeconds): certificates and etcd need agreeing clocks; sync both with NTP "
                    + "(chrony or systemd-timesyncd)");
        }
        return CheckResult.pass(h, Check.CLOCK, offset + " from the operator's machine (at most " + max + " s)");
    }

    static CheckResult unique(String h, Check check, String what, String value, Map<String, List<String>> owners, String advice) {
        if (value == null || value.isBlank()) {
            return CheckResult.fail(h, check, "no " + what + ": " + advice);
        }
        List<String> others = owners.getOrDefault(value, List.of()).stream().filter(o -> !o.equals(h)).toList();
        if (others.isEmpty()) {
            return CheckResult.pass(h, check, value);
        }
        return CheckResult.fail(h, check, what + " " + value + " is also " + String.join(", ", others) + "'s: " + advice);
    }

    static CheckResult nodeIpLocal(String h, HostFacts f, Optional<NodeIp> nodeIp) {
        if (nodeIp.isEmpty()) {
            return CheckResult.fail(h, Check.NODE_IP_LOCAL, "no node IP: hosts[].nodeIp is not set, the address is not an IP "
                    + "and there is no default route for RKE2 to pick one; set hosts[].nodeIp");
        }
        NodeIp n = nodeIp.get();
        if (n.source() == NodeIp.Source.DEFAULT_ROUTE) {
            return CheckResult.pass(h, Check.NODE_IP_LOCAL, n.ip() + " (from " + n.source().description + ")");
        }
        if (!n.ipv4()) {
            return CheckResult.warn(h, Check.NODE_IP_LOCAL, n.ip() + ": IPv6 node IPs are not checked");
        }
        if (f.ipv4().contains(n.ip())) {
            return CheckResult.pass(h, Check.NODE_IP_LOCAL, n.ip() + " (" + n.source().description + ")");
        }
        return CheckResult.fail(h, Check.NODE_IP_LOCAL, n.ip() + " (" + n.source().description + ") is on none of the host's "
                + "interfaces (" + String.join(", ", f.ipv4()) + "); set hosts[].nodeIp to the address of the cluster network");
    }

    /** The ports of this host's role and CNI (contract A.8). */
    Map<Integer, String> requiredPorts(Role role) {
        Map<Integer, String> ports = new LinkedHashMap<>(role == Role.SERVER ? SERVER_PORTS : AGENT_PORTS);
        ports.putAll(CNI_PORTS.getOrDefault(inventory.cluster().cni(), Map.of()));
        return ports;
    }

    /**
     * Free, or held by this cluster's RKE2: a process of RKE2's (by name) while the host's own
     * RKE2 unit for its role is active — so a re-run on a converged cluster passes. A host whose
     * active RKE2 unit is the other role's is in an unexpected state.
     */
    CheckResult ports(HostProbe p) {
        String h = p.name();
        HostFacts f = p.facts();
        Role role = p.host().role();
        String ownUnit = role == Role.SERVER ? "rke2-server" : "rke2-agent";
        String otherUnit = role == Role.SERVER ? "rke2-agent" : "rke2-server";
        if (f.unitActive(otherUnit)) {
            return CheckResult.fail(h, Check.PORTS, otherUnit + " is active but the inventory makes this host a"
                    + (role == Role.SERVER ? " server" : "n agent") + ": fix hosts[].role or uninstall RKE2 (rke2-uninstall.sh)");
        }
        List<Listener> listeners = p.listeners() != null ? p.listeners()
                : f.tcpListeners().stream().map(HostChecks::unowned).flatMap(Optional::stream).toList();
        Map<Integer, String> required = requiredPorts(role);
        List<String> problems = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        for (Map.Entry<Integer, String> port : required.entrySet()) {
            List<Listener> holders = listeners.stream().filter(l -> l.port() == port.getKey()).toList();
            if (holders.isEmpty()) {
                continue;
            }
            List<Listener> foreign = holders.stream().filter(l -> !(isRke2Process(l.process()) && f.unitActive(ownUnit))).toList();
            if (foreign.isEmpty()) {
                ours.add(port.getKey() + " (" + holders.get(0).process() + ")");
            } else {
                Listener l = foreign.get(0);
                problems.add(port.getKey() + " (" + port.getValue() + ") is held by " + l.describeOwner() + " on " + l.address()
                        + (p.listeners() == null ? " (owners need sudo)" : ""));
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(h, Check.PORTS, String.join("; ", problems) + ": stop or move what holds "
                    + (problems.size() == 1 ? "it" : "them") + "; RKE2 needs these ports (contract A.8)");
        }
        String all = required.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return CheckResult.pass(h, Check.PORTS, ours.isEmpty() ? "free: " + all
                : "held by this cluster's RKE2 (" + ownUnit + " active): " + String.join(", ", ours) + "; checked " + all);
    }

    static boolean isRke2Process(String name) {
        return !name.isEmpty() && RKE2_PROCESS_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static Optional<Listener> unowned(String addressPort) {
        int colon = addressPort.lastIndexOf(':');
        try {
            return Optional.of(new Listener(addressPort.substring(0, Math.max(colon, 0)),
                    Integer.parseInt(addressPort.substring(colon + 1)), "", 0));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /**
     * Loaded or built in: fine. Loadable (in modules.dep): fine too, RKE2's units modprobe both
     * at start (contract I.1). Absent from a kernel whose module lists we can read: fail. No
     * module lists for the running kernel (containers, a kernel without /lib/modules): warn, as
     * nothing can be told.
     */
    static CheckResult modules(String h, HostFacts f) {
        List<String> missing = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String m : HostFacts.KERNEL_MODULES) {
            ModuleState s = f.module(m);
            switch (s) {
                case MISSING -> missing.add(m);
                case UNKNOWN -> unknown.add(m);
                default -> found.add(m + " " + s.name().toLowerCase(Locale.ROOT));
            }
        }
        if (!missing.isEmpty()) {
            return CheckResult.fail(h, Check.KERNEL_MODULES, String.join(", ", missing) + " neither loaded nor available for kernel "
                    + f.kernel() + ": install the kernel's modules package (e.g. linux-modules-extra / kernel-modules)");
        }
        if (!unknown.isEmpty()) {
            return CheckResult.warn(h, Check.KERNEL_MODULES, String.join(", ", unknown) + " not loaded and /lib/modules/" + f.kernel()
                    + " is missing, so whether modprobe can load " + (unknown.size() == 1 ? "it" : "them") + " is unknown"
                    + (found.isEmpty() ? "" : "; " + String.join(", ", found)) + "; load them (modprobe) to be sure");
        }
        return CheckResult.pass(h, Check.KERNEL_MODULES, String.join(", ", found));
    }

    static CheckResult firewall(String h, HostFacts f) {
        List<String> active = new ArrayList<>();
        for (String unit : List.of("firewalld", "ufw")) {
            if (f.unitActive(unit)) {
                active.add(unit);
            }
        }
        if (active.isEmpty()) {
            return CheckResult.pass(h, Check.FIREWALL, "firewalld and ufw not active");
        }
        return CheckResult.warn(h, Check.FIREWALL, String.join(" and ", active) + " active: the RKE2 docs advise disabling it "
                + "(systemctl disable --now " + active.get(0) + "); if it must stay, open 6443, 9345, 10250, 2379-2381 and "
                + "30000-32767/tcp and the CNI's ports between all nodes (contract A.8)");
    }

    CheckResult networkManager(String h, HostFacts f) {
        if (f.unitActive("nm-cloud-setup")) {
            return CheckResult.fail(h, Check.NETWORK_MANAGER, "nm-cloud-setup is active: the RKE2 docs require it off; "
                    + "systemctl disable --now nm-cloud-setup.service nm-cloud-setup.timer, then reboot");
        }
        if (!f.unitActive("NetworkManager")) {
            return CheckResult.pass(h, Check.NETWORK_MANAGER, "NetworkManager not active");
        }
        if (inventory.cluster().cni() != Cni.CANAL) {
            return CheckResult.pass(h, Check.NETWORK_MANAGER, "NetworkManager active; the RKE2 docs' advice concerns Canal's "
                    + "interfaces, not " + inventory.cluster().cni().key() + "'s");
        }
        String unmanaged = f.networkManagerUnmanaged();
        if (unmanaged.contains("cali") && unmanaged.contains("flannel")) {
            return CheckResult.pass(h, Check.NETWORK_MANAGER, "NetworkManager leaves Canal's interfaces alone (unmanaged-devices)");
        }
        return CheckResult.warn(h, Check.NETWORK_MANAGER, "NetworkManager manages Canal's interfaces and can break pod routing: "
                + "write /etc/NetworkManager/conf.d/rke2-canal.conf with \"" + CANAL_NM_CONF + "\" and "
                + "`systemctl reload NetworkManager` (RKE2 docs, known issues)");
    }

    static CheckResult fapolicyd(String h, HostFacts f) {
        if (!f.unitActive("fapolicyd")) {
            return CheckResult.pass(h, Check.FAPOLICYD, "fapolicyd not active");
        }
        if (f.fapolicydRke2Rules()) {
            return CheckResult.pass(h, Check.FAPOLICYD, "fapolicyd active, /etc/fapolicyd/rules.d/80-rke2.rules present");
        }
        return CheckResult.warn(h, Check.FAPOLICYD, "fapolicyd is active without RKE2 rules: install.sh writes "
                + "/etc/fapolicyd/rules.d/80-rke2.rules on RHEL-likes (contract A.2 step 9); elsewhere write it yourself "
                + "(allow perm=any all : dir=/var/lib/rancher/, dir=/opt/cni/, dir=/run/k3s/, dir=/var/lib/kubelet/), then "
                + "fagenrules --load");
    }

    private static Map<String, List<String>> group(List<HostProbe> probes, Function<HostFacts, String> key) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (HostProbe p : probes) {
            if (p.facts() != null && !key.apply(p.facts()).isBlank()) {
                groups.computeIfAbsent(key.apply(p.facts()), k -> new ArrayList<>()).add(p.name());
            }
        }
        return groups;
    }

    private static Map<Integer, String> ordered(Object... pairs) {
        Map<Integer, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Integer) pairs[i], (String) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
