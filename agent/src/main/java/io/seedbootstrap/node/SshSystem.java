package io.seedbootstrap.node;

import static io.seedbootstrap.host.Relay.LIST_CREDENTIALS;
import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.host.Relay;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link NodeSystem} over SSH. */
final class SshSystem implements NodeSystem {
    private final RemoteHost remote;
    private final Supplier<OsFamily> family;
    /**
     * The relay credentials ({@link Relay#LIST_CREDENTIALS}) listed by the command that took the
     * lock, null before. Holding the lock, no other run of ours writes any, so the listing stays
     * current for {@link #relayLeftovers}: one command less per host (issue 22).
     */
    private volatile String credentialsAtLock;

    SshSystem(RemoteHost remote, Supplier<OsFamily> family) {
        this.remote = remote;
        this.family = family;
    }

    @Override
    public OsFamily osFamily() {
        return family.get();
    }

    @Override
    public boolean hasEtcdUser() {
        return remote.exec(RemoteCommand.shell("getent passwd etcd >/dev/null && getent group etcd >/dev/null").allowFailure()).ok();
    }

    /** A.9: {@code useradd -r -c "etcd user" -s /sbin/nologin -M etcd -U}, with the family's nologin. */
    @Override
    public void createEtcdUser() {
        remote.exec(RemoteCommand.shell("getent group etcd >/dev/null || groupadd -r etcd; getent passwd etcd >/dev/null || "
                + "useradd -r -c 'etcd user' -s " + quote(osFamily().nologinShell()) + " -M -g etcd etcd").asRoot());
    }

    @Override
    public Optional<String> applySysctls() {
        ExecResult restart = remote.exec(RemoteCommand.shell("systemctl restart systemd-sysctl").asRoot().allowFailure());
        return restart.ok() ? Optional.empty() : Optional.of(restart.stderrTail(1));
    }

    @Override
    public long clock() {
        return Long.parseLong(remote.exec(RemoteCommand.shell("date +%s")).stdout().strip());
    }

    @Override
    public Optional<String> readLock() {
        String text = remote.exec(RemoteCommand.shell("cat " + LOCK_FILE + " 2>/dev/null || true", "read the host lock").asRoot()).stdout();
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    /**
     * noclobber makes the creation atomic: of two runs, one creates the file and the other reads it.
     * The winner lists the relay credentials in the same command.
     */
    @Override
    public Optional<String> createLock(String content) {
        return createLock(content, NodeProbes.Look.NOTHING).heldBy();
    }

    /** Lines that mark the look's parts in the lock command's output (no credential line, state line or path looks like them). */
    private static final String STATES = "#look-states", EXISTING = "#look-existing", UNITS = "#look-units", LOOKED = "#looked";

    /**
     * The look runs after the lock is taken and the credentials are listed; its last line
     * ({@value #LOOKED}) is printed only when each part exited 0, as {@link SshFiles#states} and
     * {@link SshFiles#existing} would need to: a look cut short is no look (the phases then ask).
     */
    @Override
    public LockAttempt createLock(String content, NodeProbes.Look look) {
        boolean looking = !look.equals(NodeProbes.Look.NOTHING);
        StringBuilder script = new StringBuilder("set -e; umask 077; mkdir -p " + STATE_DIR + "; chmod 0700 " + STATE_DIR + "\n"
                + "if ( set -C; cat > " + LOCK_FILE + " ) 2>/dev/null; then echo TAKEN; ( " + LIST_CREDENTIALS + " ) || true\n");
        if (looking) {
            // quoted: unquoted, # starts a comment
            script.append("if ( echo '").append(STATES).append("'\n")
                    .append(look.states().isEmpty() ? "" : SshFiles.statesScript(look.states()))
                    .append(") && ( echo '").append(EXISTING).append("'\n")
                    .append(look.existing().isEmpty() ? "" : SshFiles.existingScript(look.existing()) + "\n")
                    // one state per unit, in order (is-active exits non-zero unless all are active)
                    .append(") && ( echo '").append(UNITS).append("'\n")
                    .append(look.units().isEmpty() ? "" : "systemctl is-active " + String.join(" ", look.units().stream().map(u -> quote(u)).toList())
                            + " 2>/dev/null || true\n")
                    .append("); then echo '").append(LOOKED).append("'; fi\n");
        }
        script.append("else echo HELD; cat " + LOCK_FILE + "; fi");
        String out = remote.exec(RemoteCommand.shell(script.toString(), "take the host lock " + LOCK_FILE
                + look.describe())
                .asRoot().stdin(RemoteCommand.Stdin.of(content))).stdout();
        String rest = out.substring(out.indexOf('\n') + 1);
        if (!out.startsWith("TAKEN")) {
            return new LockAttempt(Optional.of(rest), Optional.empty());
        }
        List<String> lines = rest.lines().toList();
        int states = lines.indexOf(STATES);
        int existing = lines.indexOf(EXISTING);
        int units = lines.indexOf(UNITS);
        credentialsAtLock = lines.subList(0, states < 0 ? lines.size() : states).stream().map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
        if (!looking || states < 0 || existing < states || units < existing || !lines.get(lines.size() - 1).equals(LOOKED)) {
            return new LockAttempt(Optional.empty(), Optional.empty());
        }
        // a state for every unit or none (systemctl missing, or it failed): then the phases ask
        List<String> unitLines = lines.subList(units + 1, lines.size() - 1);
        Map<String, String> unitStates = new java.util.HashMap<>();
        if (unitLines.size() == look.units().size()) {
            for (int i = 0; i < unitLines.size(); i++) {
                unitStates.put(look.units().get(i), unitLines.get(i).strip());
            }
        }
        return new LockAttempt(Optional.empty(), Optional.of(new NodeProbes.Seen(look,
                SshFiles.parseStates(String.join("\n", lines.subList(states + 1, existing))),
                SshFiles.parseExisting(String.join("\n", lines.subList(existing + 1, units))), unitStates)));
    }

    @Override
    public void replaceLock(String content) {
        credentialsAtLock = remote.exec(RemoteCommand.shell("set -e; umask 077; cat > " + LOCK_FILE + ".new && mv -f " + LOCK_FILE + ".new "
                + LOCK_FILE + "\n( " + LIST_CREDENTIALS + " ) || true", "take over the host lock " + LOCK_FILE).asRoot().stdin(RemoteCommand.Stdin.of(content)))
                .stdout();
    }

    @Override
    public void removeLock(String ownerLine) {
        credentialsAtLock = null;
        remote.exec(RemoteCommand.shell("if grep -qx " + quote(ownerLine) + " " + LOCK_FILE + " 2>/dev/null; then rm -f " + LOCK_FILE + "; fi",
                "release the host lock").asRoot());
    }

    @Override
    public List<String> relayLeftovers(String runId) {
        String listing = credentialsAtLock;
        return listing != null ? Relay.leftovers(listing, runId) : Relay.leftovers(remote, runId);
    }

    @Override
    public void removeRelayLeftovers(String runId) {
        credentialsAtLock = null;
        Relay.removeLeftovers(remote, runId);
    }
}
