package io.seedbootstrap.host;

import io.seedbootstrap.bundle.Arch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one read-only probe learned about a host (architecture.md: Host is configuration,
 * HostFacts is discovered). Gathered once per run by {@link FactsProbe}; install phases and
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
 */
public record HostFacts(String hostname, String machineId, String osId, String osVersionId, String osName,
        String machine, String kernel, int cpus, long memoryMiB, long swapMiB, long rancherDiskFreeGiB,
        List<String> ipv4, boolean defaultRoute, Instant clock, boolean usrLocalWritable, Set<String> activeUnits,
        String rke2Prefix, String rke2Version) {

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

    public boolean rke2Installed() {
        return !rke2Prefix.isEmpty();
    }

    public boolean unitActive(String unit) {
        return activeUnits.contains(unit);
    }
}
