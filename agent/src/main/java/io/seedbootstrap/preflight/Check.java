package io.seedbootstrap.preflight;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The checks preflight runs; {@link #key()} is the name used in reports and in {@code preflight.skip}. */
public enum Check {
    REACHABLE("reachable", "TCP connection and SSH handshake, host key verified"),
    AUTH("auth", "SSH login"),
    SUDO("sudo", "root through sudo (non-interactive, or with ssh.sudoPassword)"),
    OS("os", "a Linux distribution RKE2 supports (Debian/Ubuntu, RHEL-likes, SLES)"),
    ARCH("arch", "an architecture RKE2 publishes artifacts for (contract A.1)"),
    CPU("cpu", "CPU cores against the role's minimum"),
    MEMORY("memory", "memory against the role's minimum"),
    DISK("disk", "free disk under /var/lib/rancher against the role's minimum"),
    SWAP("swap", "swap is off (warning only)"),
    CLOCK("clock", "clock offset from the operator's machine within preflight.maxClockSkewSeconds"),
    HOSTNAME_UNIQUE("hostname-unique", "no two hosts share a hostname"),
    MACHINE_ID_UNIQUE("machine-id-unique", "every host has a machine-id and no two share it"),
    NODE_IP_LOCAL("node-ip-local", "the node IP is on one of the host's interfaces"),
    NODE_IP_UNIQUE("node-ip-unique", "no two hosts share a node IP"),
    DEFAULT_ROUTE("default-route", "a default route exists (contract A.2)"),
    PORTS("ports", "the role's ports are free or held by this cluster's RKE2 (contract A.8)"),
    SERVER_PORTS_REACHABLE("server-ports-reachable", "every server's 9345 and 6443 reachable from this host"),
    REGISTRATION_ADDRESS("registration-address", "the registration address's 9345 and 6443 reachable from this host"),
    KUBELET_REACHABLE("kubelet-reachable", "every other node's kubelet port 10250 reachable from this host (contract A.8)"),
    KERNEL_MODULES("kernel-modules", "overlay and br_netfilter loaded, built in or loadable"),
    FIREWALL("firewall", "firewalld / ufw (RKE2 docs: disable, or open the ports of contract A.8)"),
    NETWORK_MANAGER("networkmanager", "NetworkManager leaves the CNI's interfaces alone; nm-cloud-setup is off"),
    FAPOLICYD("fapolicyd", "fapolicyd has rules for RKE2's paths"),
    USR_LOCAL("usr-local", "where install.sh puts RKE2: /usr/local, else /opt/rke2 (contract A.2)");

    private final String key;
    private final String description;

    Check(String key, String description) {
        this.key = key;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** Whether {@code preflight.skip} may name it: without a connection nothing else can run. */
    public boolean skippable() {
        return this != REACHABLE && this != AUTH;
    }

    public static Optional<Check> ofKey(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.key.equals(k)).findFirst();
    }

    public static String skippableKeys() {
        return Arrays.stream(values()).filter(Check::skippable).map(Check::key).collect(Collectors.joining(", "));
    }
}
