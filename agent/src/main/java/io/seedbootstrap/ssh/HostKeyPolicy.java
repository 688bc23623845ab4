package io.seedbootstrap.ssh;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Decides whether a host key presented by a server is trusted. Two sources: a SHA256
 * fingerprint pinned in the inventory (then known_hosts is not consulted for that host) or the
 * operator's known_hosts file. Nothing is ever accepted silently:
 * <ul>
 * <li>an unknown key is refused with its fingerprint and the flag that accepts it, unless the
 *     run was started with {@value #ACCEPT_FLAG}, which appends it to known_hosts and says so;
 * <li>a changed key (another key recorded for the same host) and a revoked key are always
 *     refused, naming the recorded and the presented fingerprints.
 * </ul>
 */
public final class HostKeyPolicy {
    public static final String ACCEPT_FLAG = "--accept-new-host-keys";

    public enum Outcome { TRUSTED, ACCEPTED_NEW, UNKNOWN, CHANGED, REVOKED }

    /** What was decided and, for anything but TRUSTED, the message to show. */
    public record Verdict(Outcome outcome, String message) {
        public boolean trusted() {
            return outcome == Outcome.TRUSTED || outcome == Outcome.ACCEPTED_NEW;
        }
    }

    private final KnownHostsFile knownHosts;
    private final boolean acceptNew;

    public HostKeyPolicy(KnownHostsFile knownHosts, boolean acceptNew) {
        this.knownHosts = Objects.requireNonNull(knownHosts);
        this.acceptNew = acceptNew;
    }

    public KnownHostsFile knownHosts() {
        return knownHosts;
    }

    public boolean acceptNew() {
        return acceptNew;
    }

    /**
     * Checks the key blob a server presented.
     *
     * @param label  how the host is called in messages (inventory name)
     * @param host   the address we connected to, as known_hosts names it
     * @param pinned SHA256 fingerprint from the inventory, or null
     */
    public Verdict check(String label, String host, int port, String pinned, byte[] blob) {
        String type = KnownHosts.blobType(blob);
        String presented = type + " " + Fingerprints.sha256(blob);
        String where = label + " (" + KnownHosts.lookupName(host, port) + ")";
        if (pinned != null && !pinned.isBlank()) {
            if (Fingerprints.same(pinned, Fingerprints.sha256(blob))) {
                return new Verdict(Outcome.TRUSTED, "pinned " + presented);
            }
            return new Verdict(Outcome.CHANGED, "HOST KEY MISMATCH for " + where
                    + ": the inventory pins " + pinned + " but the host presented " + presented
                    + ". Refusing to connect: someone may be intercepting the connection, or the host was"
                    + " reinstalled. Check the key on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_"
                    + shortType(type) + "_key.pub) and update its ssh.hostKey in the inventory.");
        }

        KnownHosts kh = knownHosts.read();
        List<KnownHosts.Entry> applicable = kh.entriesFor(host, port);
        for (KnownHosts.Entry e : applicable) {
            if (e.marker() == KnownHosts.Marker.REVOKED && e.sameKey(blob)) {
                return new Verdict(Outcome.REVOKED, "REVOKED HOST KEY for " + where + ": " + presented
                        + " is marked @revoked in " + kh.source() + ":" + e.line() + ". Refusing to connect.");
            }
        }
        List<KnownHosts.Entry> recorded = applicable.stream()
                .filter(e -> e.marker() == KnownHosts.Marker.NONE)
                .toList();
        if (recorded.stream().anyMatch(e -> e.sameKey(blob))) {
            return new Verdict(Outcome.TRUSTED, "known " + presented);
        }
        if (!recorded.isEmpty()) {
            List<KnownHosts.Entry> sameType = recorded.stream().filter(e -> e.keyType().equals(type)).toList();
            List<KnownHosts.Entry> shown = sameType.isEmpty() ? recorded : sameType;
            String old = shown.stream()
                    .map(e -> e.keyType() + " " + e.fingerprint() + " (" + kh.source() + ":" + e.line() + ")")
                    .collect(Collectors.joining(", "));
            return new Verdict(Outcome.CHANGED, "HOST KEY CHANGED for " + where + ": known_hosts has "
                    + old + " but the host presented " + presented + ". Refusing to connect"
                    + (acceptNew ? " (" + ACCEPT_FLAG + " never replaces a recorded key)" : "")
                    + ": someone may be intercepting the connection, or the host was reinstalled. If you"
                    + " have verified the new key on the host's console, remove the old line(s) with"
                    + " ssh-keygen -R '" + KnownHosts.lookupName(host, port) + "' -f " + kh.source()
                    + " and run again with " + ACCEPT_FLAG + ".");
        }
        if (acceptNew) {
            knownHosts.append(host, port, blob);
            return new Verdict(Outcome.ACCEPTED_NEW, "new host key of " + where + " accepted and added to "
                    + knownHosts.path() + ": " + presented);
        }
        return new Verdict(Outcome.UNKNOWN, "UNKNOWN HOST KEY for " + where + ": " + presented
                + " is not in " + kh.source() + ". Check that this is the key on the host (ssh-keygen -lf"
                + " /etc/ssh/ssh_host_" + shortType(type) + "_key.pub on its console), then run again with "
                + ACCEPT_FLAG + " to add it to " + kh.source() + ", or pin it in the inventory"
                + " (hosts[].ssh.hostKey: " + Fingerprints.sha256(blob) + ").");
    }

    /** Key types to prefer in the key exchange, so a host offers the key we have on record. */
    public List<String> recordedKeyTypes(String host, int port, String pinned) {
        if (pinned != null && !pinned.isBlank()) {
            return List.of();
        }
        return knownHosts.read().entriesFor(host, port).stream()
                .filter(e -> e.marker() == KnownHosts.Marker.NONE)
                .map(KnownHosts.Entry::keyType)
                .distinct()
                .toList();
    }

    private static String shortType(String type) {
        if (type == null) {
            return "*";
        }
        if (type.contains("ed25519")) {
            return "ed25519";
        }
        if (type.startsWith("ecdsa")) {
            return "ecdsa";
        }
        if (type.contains("rsa")) {
            return "rsa";
        }
        return "*";
    }
}
