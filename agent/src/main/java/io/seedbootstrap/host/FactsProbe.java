package io.seedbootstrap.host;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers {@link HostFacts} with one read-only shell command (one round trip per host, so a
 * site of many hosts is probed in the time of one). The script prints {@code key=value} lines;
 * it writes nothing, loads nothing and starts nothing.
 */
public final class FactsProbe {
    /** Units whose presence changes what preflight advises (RKE2 docs, known issues). */
    public static final List<String> WATCHED_UNITS = List.of("firewalld", "NetworkManager", "fapolicyd",
            "rke2-server", "rke2-agent", "ufw", "nm-cloud-setup");

    static final String SCRIPT = String.join("\n",
            "export LC_ALL=C",
            "echo \"hostname=$(hostname -s 2>/dev/null || hostname)\"",
            "echo \"machine_id=$(cat /etc/machine-id 2>/dev/null)\"",
            "if [ -r /etc/os-release ]; then . /etc/os-release; fi",
            "echo \"os_id=${ID:-}\"; echo \"os_version_id=${VERSION_ID:-}\"; echo \"os_name=${PRETTY_NAME:-}\"",
            "echo \"machine=$(uname -m)\"; echo \"kernel=$(uname -r)\"",
            "echo \"cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)\"",
            "awk '/^MemTotal:/{print \"memory_kib=\" $2} /^SwapTotal:/{print \"swap_kib=\" $2}' /proc/meminfo",
            // the deepest existing ancestor of /var/lib/rancher holds it once created
            "d=/var/lib/rancher; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done",
            "echo \"rancher_free_kib=$(df -Pk \"$d\" | awk 'NR==2{print $4}')\"",
            "echo \"ipv4=$(ip -o -4 addr show 2>/dev/null | awk '{split($4,a,\"/\"); printf \"%s \", a[1]}')\"",
            "if ip -4 route show default 2>/dev/null | grep -q .; then echo default_route=yes; else echo default_route=no; fi",
            "echo \"clock_ms=$(date +%s%3N)\"",
            // install.sh (A.2) falls back to /opt/rke2 when /usr/local is read-only or a mount point
            "if [ -w /usr/local ] && ! mountpoint -q /usr/local 2>/dev/null; then echo usr_local_writable=yes; else echo usr_local_writable=no; fi",
            "units=''; for u in " + String.join(" ", WATCHED_UNITS) + "; do"
                    + " if systemctl is-active --quiet \"$u\" 2>/dev/null; then units=\"$units $u\"; fi; done; echo \"active_units=$units\"",
            "p=''; for c in /usr/local /opt/rke2; do if [ -x \"$c/bin/rke2\" ]; then p=$c; break; fi; done; echo \"rke2_prefix=$p\"",
            "if [ -n \"$p\" ]; then echo \"rke2_version=$(\"$p/bin/rke2\" --version 2>/dev/null | head -n1)\"; else echo rke2_version=; fi",
            "");

    private FactsProbe() {}

    public static HostFacts gather(RemoteHost host) {
        // as root: what root may do (write /usr/local, read units) is what install will find
        ExecResult result = host.exec(RemoteCommand.shell(SCRIPT, "gather facts (read-only)").asRoot());
        return parse(host.name(), result.stdout());
    }

    /** Parses the probe's output; a missing or malformed number is a host we cannot judge. */
    static HostFacts parse(String host, String output) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        Set<String> units = new LinkedHashSet<>(words(values.get("active_units")));
        return new HostFacts(
                text(values, "hostname"), text(values, "machine_id"), text(values, "os_id"), text(values, "os_version_id"),
                text(values, "os_name"), text(values, "machine"), text(values, "kernel"),
                (int) number(host, values, "cpus"),
                number(host, values, "memory_kib") / 1024, number(host, values, "swap_kib") / 1024,
                number(host, values, "rancher_free_kib") / (1024 * 1024),
                words(values.get("ipv4")), "yes".equals(values.get("default_route")),
                Instant.ofEpochMilli(number(host, values, "clock_ms")),
                "yes".equals(values.get("usr_local_writable")), Set.copyOf(units),
                text(values, "rke2_prefix"), text(values, "rke2_version"));
    }

    private static String text(Map<String, String> values, String key) {
        return values.getOrDefault(key, "");
    }

    private static List<String> words(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.strip().split("\\s+")).toList();
    }

    private static long number(String host, Map<String, String> values, String key) {
        String value = values.get(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, host + ": cannot read " + key + " from the host (got \""
                    + (value == null ? "nothing" : value) + "\"); is it a Linux host with coreutils, iproute2 and procps?");
        }
    }
}
