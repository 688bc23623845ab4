package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The OS families RKE2 supports, told apart by /etc/os-release's {@code ID} and {@code ID_LIKE}.
 * Everything seed-bootstrap does on a host is the same on all of them (systemd units, the tarball
 * install, {@code systemctl restart systemd-sysctl}, coreutils, {@code useradd}/{@code groupadd},
 * which the base system of each ships) except what a family names here:
 * <ul>
 * <li>the login shell of the CIS {@code etcd} system user (contract A.9): RKE2's docs give
 * {@code /sbin/nologin} (RHEL and SUSE have it there); Debian and Ubuntu ship nologin as
 * {@code /usr/sbin/nologin} (package login) and have {@code /sbin/nologin} only where /usr is
 * merged.</li>
 * </ul>
 * Unknown systems get RKE2's documented values.
 */
public enum OsFamily {
    DEBIAN("/usr/sbin/nologin", List.of("debian", "ubuntu")),
    RHEL("/sbin/nologin", List.of("rhel", "centos", "fedora", "rocky", "almalinux", "ol")),
    SUSE("/sbin/nologin", List.of("suse", "sles", "sle-micro", "opensuse", "opensuse-leap", "opensuse-tumbleweed")),
    OTHER("/sbin/nologin", List.of());

    private final String nologin;
    private final List<String> ids;

    OsFamily(String nologin, List<String> ids) {
        this.nologin = nologin;
        this.ids = ids;
    }

    /** The shell of a system user that must not log in. */
    public String nologinShell() {
        return nologin;
    }

    /** By {@code ID} first, then by the first {@code ID_LIKE} entry a family knows. */
    public static OsFamily of(HostFacts facts) {
        return of(facts.osId(), facts.osLike());
    }

    static OsFamily of(String id, String like) {
        String own = id == null ? "" : id.toLowerCase(Locale.ROOT);
        for (OsFamily family : values()) {
            if (family.ids.contains(own)) {
                return family;
            }
        }
        for (String entry : Arrays.stream((like == null ? "" : like).toLowerCase(Locale.ROOT).split("\\s+")).toList()) {
            for (OsFamily family : values()) {
                if (family.ids.contains(entry)) {
                    return family;
                }
            }
        }
        return OTHER;
    }
}
