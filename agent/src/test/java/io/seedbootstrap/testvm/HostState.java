package io.seedbootstrap.testvm;

import java.util.ArrayList;
import java.util.List;

/**
 * What a read-only command must leave as it found it on a test machine: files with mtime, size,
 * mode and owner, and every unit's state. Taken before and after; {@link #changesSince} lists the
 * difference, empty when nothing changed.
 */
public record HostState(String machine, String listing) {
    // the SSH logins themselves (not the command under test) leave session scopes and the user manager behind for a while
    private static final String UNITS = "systemctl list-units --all --no-legend --plain | awk '{print $1, $2, $3, $4}'"
            + " | grep -Ev '^(session-[0-9]+\\.scope|user@[0-9]+\\.service|user-runtime-dir@[0-9]+\\.service|user-[0-9]+\\.slice) '"
            + " | LC_ALL=C sort";

    /** Every file of the root file system (kernel, runtime and journal trees left out) and every unit. */
    public static HostState wholeFileSystem(TestMachine m) {
        return take(m, "find / -xdev \\( -path /proc -o -path /sys -o -path /run -o -path /tmp -o -path /dev"
                + " -o -path /var/log/journal \\) -prune -o -printf '%p %T@ %s %m %U:%G\\n' | LC_ALL=C sort");
    }

    /** The files under {@code roots} (those that exist) and every unit. */
    public static HostState under(TestMachine m, List<String> roots) {
        return take(m, "find " + String.join(" ", roots) + " -xdev -printf '%p %T@ %s %m %U:%G\\n' 2>/dev/null | LC_ALL=C sort");
    }

    private static HostState take(TestMachine m, String findFiles) {
        return new HostState(m.name(), m.sh(findFiles).stdout() + "\n--- units ---\n" + m.sh(UNITS).stdout());
    }

    /** Lines only in {@code before} ("- ") or only now ("+ "). */
    public List<String> changesSince(HostState before) {
        List<String> was = before.listing.lines().toList();
        List<String> now = listing.lines().toList();
        List<String> changes = new ArrayList<>();
        was.stream().filter(l -> !now.contains(l)).forEach(l -> changes.add("- " + l));
        now.stream().filter(l -> !was.contains(l)).forEach(l -> changes.add("+ " + l));
        return changes;
    }
}
