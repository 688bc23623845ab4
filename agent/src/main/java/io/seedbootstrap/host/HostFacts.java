package io.seedbootstrap.host;

import io.seedbootstrap.bundle.format.Arch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one read-only probe learned about a host (architecture.md: Host is configuration,
 * HostFacts is discovered). Gathered once per run by the facts probe (node.NodeProbes#facts); install phases and
 * preflight checks decide from it instead of asking the host again.
 *
 * @param hostname       {@code hostname} (short)
 * @param machineId      {@code /etc/machine-id}, empty when missing
 * @param osId           {@code ID} from /etc/os-release (debian, ubuntu, rhel, sles...)
 * @param osVersionId    {@code VERSION_ID} from /etc/os-release
 * @param osName         {@code PRETTY_NAME} from /etc/os-release, for messages
 * @param machine        {@code uname -m}
 * @param kernel         {@code uname -r}
 * @param cpus           online CPUs ({@code nproc})
 * @param memoryMiB      MemTotal
 * @param swapMiB        SwapTotal
 * @param rancherDiskFreeGiB free space of the file system that holds (or will hold) /var/lib/rancher
 * @param ipv4           addresses on the host's interfaces, without prefix length
 * @param defaultRoute   a default route exists (contract A.2 prerequisite)
 * @param clock          the host's clock when probed
 * @param usrLocalWritable whether /usr/local is writable and not a separate mount (contract A.2:
 *                       else install.sh's tarball prefix is /opt/rke2)
 * @param activeUnits    which of the units preflight cares about are active
 * @param rke2Prefix     where an installed rke2 binary was found (/usr/local or /opt/rke2), empty if none
 * @param rke2Version    the installed rke2's version line, empty if none
 * @param osLike         {@code ID_LIKE} from /etc/os-release (space separated), empty if none
 * @param defaultRouteIpv4 the first IPv4 address of the default route's interface (what RKE2
 *                       picks as node IP when none is set, contract A.2), empty if none
 * @param tcpListeners   listening TCP sockets as {@code address:port} ({@code ss -ltn}; owners need
 *                       root and are not part of these facts)
 * @param kernelModules  overlay and br_netfilter on the running kernel
 * @param networkManagerUnmanaged the {@code unmanaged-devices=} values of NetworkManager's
 *                       configuration, joined with ';', empty if none
 * @param fapolicydRke2Rules /etc/fapolicyd/rules.d/80-rke2.rules exists (contract A.2 step 9)
 * @param tools          which of the helper programs preflight may use exist (python3, socat, bash, timeout, ss)
 * @param probedAt       the operator's clock half-way through the probe command, to compare with {@code clock}
 */
public record HostFacts(String hostname, String machineId, String osId, String osVersionId, String osName,
        String machine, String kernel, int cpus, long memoryMiB, long swapMiB, long rancherDiskFreeGiB,
        List<String> ipv4, boolean defaultRoute, Instant clock, boolean usrLocalWritable, Set<String> activeUnits,
        String rke2Prefix, String rke2Version,
        String osLike, String defaultRouteIpv4, List<String> tcpListeners, Map<String, ModuleState> kernelModules,
        String networkManagerUnmanaged, boolean fapolicydRke2Rules, Set<String> tools, Instant probedAt) {

    /** Kernel modules preflight looks at (contract I.1; RKE2's units modprobe them at start). */
    public static final List<String> KERNEL_MODULES = List.of("overlay", "br_netfilter");

    /**
     * The facts of the first probe version, for callers (and fakes) that know only those: the
     * newer facts are empty or unknown and the probe is taken to have run at {@code clock}.
     */
    public HostFacts(String hostname, String machineId, String osId, String osVersionId, String osName,
            String machine, String kernel, int cpus, long memoryMiB, long swapMiB, long rancherDiskFreeGiB,
            List<String> ipv4, boolean defaultRoute, Instant clock, boolean usrLocalWritable, Set<String> activeUnits,
            String rke2Prefix, String rke2Version) {
        this(hostname, machineId, osId, osVersionId, osName, machine, kernel, cpus, memoryMiB, swapMiB, rancherDiskFreeGiB,
                ipv4, defaultRoute, clock, usrLocalWritable, activeUnits, rke2Prefix, rke2Version,
                "", "", List.of(), Map.of(), "", false, Set.of(), clock);
    }

    /** The host's clock minus the operator's, as far as one probe round trip can tell. */
    public java.time.Duration clockOffset() {
        return java.time.Duration.between(probedAt, clock);
    }

    public ModuleState module(String name) {
        return kernelModules.getOrDefault(name, ModuleState.UNKNOWN);
    }

    public boolean hasTool(String tool) {
        return tools.contains(tool);
    }

    /** Ports of {@link #tcpListeners()}. */
    public Set<Integer> listeningPorts() {
        Set<Integer> ports = new java.util.TreeSet<>();
        for (String listener : tcpListeners) {
            int colon = listener.lastIndexOf(':');
            try {
                ports.add(Integer.parseInt(listener.substring(colon + 1)));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // not an address:port: ss printed something else; ignore it
            }
        }
        return ports;
    }

    /** The RKE2 architecture of this host, empty when RKE2 publishes nothing for it. */
    public Optional<Arch> arch() {
        try {
            return Optional.of(Arch.fromMachine(machine));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Contract A.2: install.sh's INSTALL_RKE2_TAR_PREFIX default and its read-only fallback. */
    public String tarPrefix() {
        if (!rke2Prefix.isEmpty()) {
            return rke2Prefix;
        }
        return usrLocalWritable ? "/usr/local" : "/opt/rke2";
    }

    /** The installed RKE2's version (v1.35.7+rke2r1) read from its --version line, if any. */
    public Optional<String> installedRke2Version() {
        return io.seedbootstrap.rke2.Rke2Version.find(rke2Version);
    }

    /** RKE2 of exactly this version is installed (not a later rke2rN build of the same line). */
    public boolean runsRke2(String version) {
        return rke2Installed() && installedRke2Version().map(version::equals).orElse(false);
    }

    public boolean rke2Installed() {
        return !rke2Prefix.isEmpty();
    }

    public boolean unitActive(String unit) {
        return activeUnits.contains(unit);
    }
}
