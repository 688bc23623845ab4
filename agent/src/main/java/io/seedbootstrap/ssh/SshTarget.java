package io.seedbootstrap.ssh;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.HostSsh;
import io.seedbootstrap.inventory.model.JumpHost;
import io.seedbootstrap.inventory.model.Ssh;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything needed to reach one host: the host's own ssh overrides merged over the inventory's
 * ssh defaults, once, so the transport never sees the inventory. Secrets stay {@link Secret}s
 * (redacted in {@link #toString()}).
 *
 * @param name          how the host is called in logs and messages (inventory name)
 * @param hostKey       pinned SHA256 fingerprint, or null to use {@code knownHosts}
 * @param identityFile  private key, or null for the default keys in ~/.ssh
 * @param sudoPassword  null when sudo needs no password (or the user is root)
 * @param jump          the bastion to go through, or null
 */
public record SshTarget(
        String name,
        String address,
        int port,
        String user,
        Path identityFile,
        Secret identityPassphrase,
        Path knownHosts,
        String hostKey,
        Secret sudoPassword,
        SshTarget jump,
        Duration connectTimeout,
        Duration commandTimeout,
        int maxSessions) {

    public SshTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions " + maxSessions);
        }
    }

    /** A target with the inventory defaults ({@code ssh} may be null: all defaults). */
    public static SshTarget of(Host host, Ssh ssh) {
        Ssh d = ssh != null ? ssh : defaults();
        HostSsh o = host.ssh();
        String user = o != null && o.user() != null ? o.user() : d.user();
        int port = o != null && o.port() != null ? o.port() : d.port();
        Path identity = o != null && o.identityFile() != null ? o.identityFile() : d.identityFile();
        Secret sudo = o != null && o.sudoPassword() != null ? o.sudoPassword() : d.sudoPassword();
        String pin = o != null ? o.hostKey() : null;
        SshTarget jump = d.jumpHost() == null ? null : jumpOf(d.jumpHost(), d);
        return new SshTarget(host.name(), host.address(), port, user, identity, d.identityPassphrase(),
                d.knownHosts(), pin, sudo, jump,
                Duration.ofSeconds(d.connectTimeoutSeconds()), Duration.ofSeconds(d.commandTimeoutSeconds()),
                d.maxSessions());
    }

    private static SshTarget jumpOf(JumpHost j, Ssh d) {
        return new SshTarget("jump host " + j.address(), j.address(), j.port(),
                j.user() != null ? j.user() : d.user(),
                j.identityFile() != null ? j.identityFile() : d.identityFile(),
                d.identityPassphrase(), d.knownHosts(), j.hostKey(), null, null,
                Duration.ofSeconds(d.connectTimeoutSeconds()), Duration.ofSeconds(d.commandTimeoutSeconds()), 2);
    }

    private static Ssh defaults() {
        return new Ssh("root", 22, null, null, Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"),
                null, null, 15, 600, 8);
    }

    /** A plain target for tools and tests: key auth, known_hosts, 15 s connect, 10 min commands. */
    public static SshTarget simple(String name, String address, int port, String user, Path identityFile, Path knownHosts) {
        return new SshTarget(name, address, port, user, identityFile, null, knownHosts, null, null, null,
                Duration.ofSeconds(15), Duration.ofMinutes(10), 8);
    }

    public SshTarget withHostKey(String fingerprint) {
        return new SshTarget(name, address, port, user, identityFile, identityPassphrase, knownHosts, fingerprint,
                sudoPassword, jump, connectTimeout, commandTimeout, maxSessions);
    }

    public SshTarget withKnownHosts(Path file) {
        return new SshTarget(name, address, port, user, identityFile, identityPassphrase, file, hostKey,
                sudoPassword, jump, connectTimeout, commandTimeout, maxSessions);
    }

    public SshTarget withSudoPassword(Secret password) {
        return new SshTarget(name, address, port, user, identityFile, identityPassphrase, knownHosts, hostKey,
                password, jump, connectTimeout, commandTimeout, maxSessions);
    }

    public SshTarget withJump(SshTarget bastion) {
        return new SshTarget(name, address, port, user, identityFile, identityPassphrase, knownHosts, hostKey,
                sudoPassword, bastion, connectTimeout, commandTimeout, maxSessions);
    }

    public SshTarget withAddress(String newAddress, int newPort) {
        return new SshTarget(name, newAddress, newPort, user, identityFile, identityPassphrase, knownHosts, hostKey,
                sudoPassword, jump, connectTimeout, commandTimeout, maxSessions);
    }

    public SshTarget withTimeouts(Duration connect, Duration command) {
        return new SshTarget(name, address, port, user, identityFile, identityPassphrase, knownHosts, hostKey,
                sudoPassword, jump, connect, command, maxSessions);
    }

    public boolean isRoot() {
        return user.equals("root");
    }

    /** {@code name (user@address:port[ via jump])} for messages. */
    public String describe() {
        return name + " (" + user + "@" + address + ":" + port + (jump != null ? " via " + jump.address() + ":" + jump.port() : "") + ")";
    }
}
