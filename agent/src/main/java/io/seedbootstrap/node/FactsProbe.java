package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.ModuleState;
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
final class FactsProbe {
    /** Units whose presence changes what preflight advises (RKE2 docs, known issues). */
    public static final List<String> WATCHED_UNITS = List.of("firewalld", "NetworkManager", "fapolicyd",
            "rke2-server", "rke2-agent", "ufw", "nm-cloud-setup");

    /** Helper programs preflight's cross-host probe may use. */
    public static final List<String> TOOLS = List.of("python3", "socat", "bash", "timeout", "ss");

    /** Marks the lines of {@code ss -ltnp}'s output in the probe's, apart from the key=value facts. */
    static final String LISTENER_LINE = "ss-ltnp: ";
    /** Marks the sha256 lines of the look (sha256sum's output). */
    static final String SHA256_LINE = "look-sha256: ";
    /** Marks the type lines of the look ({@code stat -L -c '%F|%n'}: what {@code [ -f ]} follows). */
    static final String TYPE_LINE = "look-type: ";
    /** Marks the mode lines of the look ({@code stat -c '%a|%n'}, as NodeFiles#states reads it). */
    static final String MODE_LINE = "look-mode: ";
    /** Marks the lines of a {@link NodeProbes.Look}'s existing paths. */
    static final String EXISTS_LINE = "look-exists: ";
    private static final List<String> SECTIONS = List.of(LISTENER_LINE, SHA256_LINE, TYPE_LINE, MODE_LINE, EXISTS_LINE);
    /** Paths sha256sum and stat print as they are (others would be escaped): only these are looked at here. */
    private static final java.util.regex.Pattern PLAIN_PATH = java.util.regex.Pattern.compile("/[A-Za-z0-9._/:+@-]*");

    static final String SCRIPT = String.join("\n",
            "export LC_ALL=C",
            // shell builtins where they do: every fork costs ~5-10 ms on a busy host, and this runs on every host of every run (P3)
            // hostname -s without a process: the kernel's name up to the first dot
            "h=; if [ -r /proc/sys/kernel/hostname ]; then read -r h < /proc/sys/kernel/hostname || true; fi; [ -n \"$h\" ] || h=$(hostname)",
            "echo \"hostname=${h%%.*}\"",
            "mid=; if [ -r /etc/machine-id ]; then read -r mid < /etc/machine-id || true; fi; echo \"machine_id=$mid\"",
            "if [ -r /etc/os-release ]; then . /etc/os-release; fi",
            "echo \"os_id=${ID:-}\"; echo \"os_version_id=${VERSION_ID:-}\"; echo \"os_name=${PRETTY_NAME:-}\"",
            // uname prints the release before the machine, whatever the order of the flags
            "set -- $(uname -rm); kernel=$1; echo \"machine=$2\"; echo \"kernel=$kernel\"",
            "echo \"cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)\"",
            "awk '/^MemTotal:/{print \"memory_kib=\" $2} /^SwapTotal:/{print \"swap_kib=\" $2}' /proc/meminfo",
            // the deepest existing ancestor of /var/lib/rancher holds it once created
            "d=/var/lib/rancher; while [ ! -d \"$d\" ]; do d=${d%/*}; d=${d:-/}; done",
            // df -P: a 7-word header, then filesystem, blocks, used, available (the 11th word), split by the shell
            "set -f; set -- $(df -Pk \"$d\" 2>/dev/null); set +f; echo \"rancher_free_kib=${11:-}\"",
            // the default routes, then every IPv4 address: all addresses, whether there is a default route, and (RKE2 takes
            // the default route's interface address as node IP when none is set, A.2) the first address of its interface
            "{ ip -4 route show default; echo @; ip -o -4 addr show; } 2>/dev/null | awk '$1 == \"@\" { a = 1; next }"
                    + " !a { r = 1; if (dev == \"\") for (i = 1; i < NF; i++) if ($i == \"dev\") { dev = $(i + 1); break }; next }"
                    + " { split($4, x, \"/\"); ips = ips x[1] \" \"; if ($2 == dev && d == \"\") d = x[1] }"
                    + " END { print \"ipv4=\" ips; print \"default_route=\" (r ? \"yes\" : \"no\"); print \"default_ipv4=\" d }'",
            "echo \"clock_ms=$(date +%s%3N)\"",
            // install.sh (A.2) falls back to /opt/rke2 when /usr/local is read-only or a mount point: read the
            // mount options, so the answer does not depend on which user runs the probe
            "ro=no; if command -v findmnt >/dev/null 2>&1; then case \",$(findmnt -n -o OPTIONS --target /usr/local 2>/dev/null),\" in"
                    + " *,ro,*) ro=yes;; esac; elif [ \"$(id -u)\" = 0 ] && [ ! -w /usr/local ]; then ro=yes; fi",
            "if [ $ro = no ] && ! mountpoint -q /usr/local 2>/dev/null; then echo usr_local_writable=yes; else echo usr_local_writable=no; fi",
            // one systemctl for all units (it prints one state per unit, in order): a call per unit
            // cost ~60 ms each on a busy host, the largest part of this script after rke2 --version
            "units=''; set -- " + String.join(" ", WATCHED_UNITS) + "; for s in $(systemctl is-active \"$@\" 2>/dev/null); do"
                    + " if [ \"$s\" = active ]; then units=\"$units $1\"; fi; shift; [ $# -gt 0 ] || break; done;"
                    + " echo \"active_units=$units\"",
            "p=''; for c in /usr/local /opt/rke2; do if [ -x \"$c/bin/rke2\" ]; then p=$c; break; fi; done; echo \"rke2_prefix=$p\"",
            // its first line (read from a here-document: no head process)
            "v=; if [ -n \"$p\" ]; then read -r v <<EOF || true",
            "$(\"$p/bin/rke2\" --version 2>/dev/null)",
            "EOF",
            "fi; echo \"rke2_version=$v\"",
            "echo \"os_like=${ID_LIKE:-}\"",
            // with owners (-p: root sees every process): preflight's root probe comes with the facts (RootProbe)
            "ssout=$(" + RootProbe.SCRIPT + " 2>/dev/null); echo \"ss_exit=$?\"",
            "awk 'NR > 1 { l = l $4 \" \" } { print \"" + LISTENER_LINE + "\" $0 } END { print \"tcp_listen=\" l }' <<EOF",
            "$ssout",
            "EOF",
            // loaded, built in, loadable by modprobe (listed in modules.dep), or absent; without
            // /lib/modules for the running kernel (containers) nothing can be said
            "k=$kernel; for m in " + String.join(" ", HostFacts.KERNEL_MODULES) + "; do"
                    + " if [ -d \"/sys/module/$m\" ]; then s=loaded;"
                    + " elif [ ! -d \"/lib/modules/$k\" ]; then s=unknown;"
                    + " elif grep -q \"/$m\\.ko\" \"/lib/modules/$k/modules.builtin\" 2>/dev/null; then s=builtin;"
                    + " elif grep -q \"/$m\\.ko\" \"/lib/modules/$k/modules.dep\" 2>/dev/null; then s=available;"
                    + " else s=missing; fi; echo \"module_$m=$s\"; done",
            // sed and tr only where NetworkManager has a configuration file
            "nm=; for f in /etc/NetworkManager/NetworkManager.conf /etc/NetworkManager/conf.d/*.conf; do if [ -f \"$f\" ]; then"
                    + " nm=$(sed -n 's/^[[:space:]]*unmanaged-devices[[:space:]]*=[[:space:]]*//p' /etc/NetworkManager/NetworkManager.conf"
                    + " /etc/NetworkManager/conf.d/*.conf 2>/dev/null | tr '\\n' ';'); break; fi; done; echo \"nm_unmanaged=$nm\"",
            "if [ -e /etc/fapolicyd/rules.d/80-rke2.rules ]; then echo fapolicyd_rke2_rules=yes; else echo fapolicyd_rke2_rules=no; fi",
            "t=''; for c in " + String.join(" ", TOOLS) + "; do if command -v \"$c\" >/dev/null 2>&1; then t=\"$t $c\"; fi; done; echo \"tools=$t\"",
            "");

    /**
     * The facts and, from the same root command, the listening sockets with their owners (null
     * when ss failed there: the root probe then runs on its own and reports why).
     */
    record Gathered(NodeProbes.Looked looked, List<Listener> listeners) {}

    private FactsProbe() {}

    static Gathered gather(RemoteHost host, NodeProbes.Look requested) {
        NodeProbes.Look look = plain(requested);
        long before = System.currentTimeMillis();
        // as root: what root may do (write /usr/local, read units) is what install will find
        ExecResult result = host.exec(RemoteCommand.shell(script(look), "gather facts (read-only)"
                + look.describe())
                .asRoot());
        long after = System.currentTimeMillis();
        // the host read its clock somewhere inside the round trip: the middle is off by at most half of it
        HostFacts facts = parse(host.name(), result.stdout(), Instant.ofEpochMilli(before + (after - before) / 2));
        return new Gathered(looked(facts, look, result.stdout()), listeners(result.stdout()));
    }

    /** The facts script, then the look's read-only file scripts (NodeFiles#states, #existing), each line marked with its section. */
    static String script(NodeProbes.Look look) {
        StringBuilder script = new StringBuilder(SCRIPT);
        if (!look.states().isEmpty()) {
            // small files (configuration, tokens, a CA): one sha256sum and two stats for all of them, not
            // NodeFiles#states' records and a hash process per file (those are for multi-GiB artifacts)
            String paths = String.join(" ", plain(look).states().stream().map(io.seedbootstrap.support.ShellQuote::quote).toList());
            script.append("sha256sum -- ").append(paths).append(" 2>/dev/null | sed 's/^/").append(SHA256_LINE).append("/'\n")
                    .append("stat -L -c '").append(TYPE_LINE).append("%F|%n' -- ").append(paths).append(" 2>/dev/null\n")
                    .append("stat -c '").append(MODE_LINE).append("%a|%n' -- ").append(paths).append(" 2>/dev/null\n");
        }
        if (!look.existing().isEmpty()) {
            script.append("(\n").append(SshFiles.existingScript(look.existing())).append("\n) | sed 's/^/").append(EXISTS_LINE).append("/'\n");
        }
        return script.toString();
    }

    static NodeProbes.Looked looked(HostFacts facts, NodeProbes.Look look, String output) {
        return new NodeProbes.Looked(facts, plain(look), states(output), SshFiles.parseExisting(section(output, EXISTS_LINE)));
    }

    /** The look without the paths it cannot print plainly (those are asked for later, as without a look). */
    static NodeProbes.Look plain(NodeProbes.Look look) {
        return new NodeProbes.Look(look.states().stream().filter(p -> PLAIN_PATH.matcher(p).matches()).toList(), look.existing());
    }

    /** As NodeFiles#states: sha256 and mode of the paths that are regular files (after symlinks, as {@code [ -f ]}). */
    private static Map<String, NodeFiles.State> states(String output) {
        Map<String, String> sums = new HashMap<>();
        section(output, SHA256_LINE).lines().forEach(l -> {
            if (l.length() > 66 && l.substring(0, 64).matches("[0-9a-f]{64}") && l.startsWith("  ", 64)) {
                sums.put(l.substring(66), l.substring(0, 64));
            }
        });
        Set<String> regular = new java.util.HashSet<>();
        section(output, TYPE_LINE).lines().forEach(l -> {
            int bar = l.indexOf('|');
            if (bar > 0 && l.startsWith("regular")) {
                regular.add(l.substring(bar + 1));
            }
        });
        Map<String, NodeFiles.State> states = new java.util.LinkedHashMap<>();
        section(output, MODE_LINE).lines().forEach(l -> {
            int bar = l.indexOf('|');
            String path = bar > 0 ? l.substring(bar + 1) : "";
            if (regular.contains(path) && sums.containsKey(path)) {
                states.put(path, new NodeFiles.State(sums.get(path), NodeFiles.normalMode(l.substring(0, bar))));
            }
        });
        return states;
    }

    /** The {@code ss -ltnp} part of the probe's output, parsed as the root probe's; null unless ss exited 0. */
    static List<Listener> listeners(String output) {
        return output.lines().anyMatch("ss_exit=0"::equals) ? RootProbe.parse(section(output, LISTENER_LINE)) : null;
    }

    /** The lines of one section, without their mark. */
    private static String section(String output, String mark) {
        StringBuilder text = new StringBuilder();
        output.lines().filter(l -> l.startsWith(mark)).forEach(l -> text.append(l, mark.length(), l.length()).append('\n'));
        return text.toString();
    }

    /** Parses output as if the operator's clock agreed with the host's. */
    static HostFacts parse(String host, String output) {
        return parse(host, output, null);
    }

    /** Parses the probe's output; a missing or malformed number is a host we cannot judge. */
    static HostFacts parse(String host, String output, Instant probedAt) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && SECTIONS.stream().noneMatch(line::startsWith)) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        Set<String> units = new LinkedHashSet<>(words(values.get("active_units")));
        Map<String, ModuleState> modules = new java.util.LinkedHashMap<>();
        for (String module : HostFacts.KERNEL_MODULES) {
            modules.put(module, ModuleState.of(values.get("module_" + module)));
        }
        Instant clock = Instant.ofEpochMilli(number(host, values, "clock_ms"));
        return new HostFacts(
                text(values, "hostname"), text(values, "machine_id"), text(values, "os_id"), text(values, "os_version_id"),
                text(values, "os_name"), text(values, "machine"), text(values, "kernel"),
                (int) number(host, values, "cpus"),
                number(host, values, "memory_kib") / 1024, number(host, values, "swap_kib") / 1024,
                number(host, values, "rancher_free_kib") / (1024 * 1024),
                words(values.get("ipv4")), "yes".equals(values.get("default_route")),
                clock,
                "yes".equals(values.get("usr_local_writable")), Set.copyOf(units),
                text(values, "rke2_prefix"), text(values, "rke2_version"),
                text(values, "os_like"), text(values, "default_ipv4"), words(values.get("tcp_listen")), java.util.Collections.unmodifiableMap(modules),
                text(values, "nm_unmanaged"), "yes".equals(values.get("fapolicyd_rke2_rules")),
                Set.copyOf(words(values.get("tools"))), probedAt != null ? probedAt : clock);
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
