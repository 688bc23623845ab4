package io.seedbootstrap.node;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.host.Relay;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link NodeSystem} over SSH. */
final class SshSystem implements NodeSystem {
    private final RemoteHost remote;
    private final Supplier<OsFamily> family;

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

    /** noclobber makes the creation atomic: of two runs, one creates the file and the other reads it. */
    @Override
    public Optional<String> createLock(String content) {
        String script = "set -e; umask 077; mkdir -p " + STATE_DIR + "; chmod 0700 " + STATE_DIR + "\n"
                + "if ( set -C; cat > " + LOCK_FILE + " ) 2>/dev/null; then echo TAKEN; else echo HELD; cat " + LOCK_FILE + "; fi";
        String out = remote.exec(RemoteCommand.shell(script, "take the host lock " + LOCK_FILE).asRoot()
                .stdin(RemoteCommand.Stdin.of(content))).stdout();
        if (out.startsWith("TAKEN")) {
            return Optional.empty();
        }
        return Optional.of(out.substring(out.indexOf('\n') + 1));
    }

    @Override
    public void replaceLock(String content) {
        remote.exec(RemoteCommand.shell("set -e; umask 077; cat > " + LOCK_FILE + ".new && mv -f " + LOCK_FILE + ".new " + LOCK_FILE,
                "take over the host lock " + LOCK_FILE).asRoot().stdin(RemoteCommand.Stdin.of(content)));
    }

    @Override
    public void removeLock(String ownerLine) {
        remote.exec(RemoteCommand.shell("if grep -qx " + quote(ownerLine) + " " + LOCK_FILE + " 2>/dev/null; then rm -f " + LOCK_FILE + "; fi",
                "release the host lock").asRoot());
    }

    @Override
    public List<String> relayLeftovers(String runId) {
        return Relay.leftovers(remote, runId);
    }

    @Override
    public void removeRelayLeftovers(String runId) {
        Relay.removeLeftovers(remote, runId);
    }
}
