package io.seedbootstrap.testvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

/**
 * One running test machine: systemd as PID 1, OpenSSH with its own host keys, users
 * {@code root} and {@code admin} (sudo), on a private Docker network.
 *
 * <p>Two ways to reach it: from the test JVM via {@link #sshHost()}:{@link #sshPort()} (a
 * port Docker publishes on loopback), and from the other machines via {@link #ip()} port 22.
 * {@link #knownHosts()} holds this machine's real host keys under both names.
 */
public final class TestMachine {

    private final String name;
    private final String ip;
    private final GenericContainer<?> container;
    private final Path privateKey;
    private final Path knownHosts;
    private final String sudoPassword;
    private List<String> hostKeys = List.of();

    TestMachine(String name, String ip, GenericContainer<?> container, Path privateKey,
            Path knownHosts, String sudoPassword) {
        this.name = name;
        this.ip = ip;
        this.container = container;
        this.privateKey = privateKey;
        this.knownHosts = knownHosts;
        this.sudoPassword = sudoPassword;
    }

    /** Hostname inside the machine and on its network, e.g. {@code vm1}. */
    public String name() {
        return name;
    }

    /** IPv4 address on the machines' private network (what other machines use). */
    public String ip() {
        return ip;
    }

    /** Host the test JVM connects to for SSH (loopback with a published port). */
    public String sshHost() {
        return container.getHost();
    }

    /** Port the test JVM connects to for SSH. */
    public int sshPort() {
        return container.getMappedPort(22);
    }

    /** The non-root sudo user that has the run's key. {@code root} has it too. */
    public String user() {
        return "admin";
    }

    /** OpenSSH private key (ed25519, 0600) generated for this test run. */
    public Path privateKey() {
        return privateKey;
    }

    /** known_hosts with the real host keys of every machine of the run (read via docker exec). */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The password {@code admin} needs for sudo, when the machines were started with one. */
    public Optional<String> sudoPassword() {
        return Optional.ofNullable(sudoPassword);
    }

    /** This machine's public host keys, {@code "type base64"} per line as in known_hosts. */
    public List<String> hostKeys() {
        return hostKeys;
    }

    void hostKeys(List<String> keys) {
        this.hostKeys = List.copyOf(keys);
    }

    /** Runs a command as root through {@code docker exec} (no SSH involved). */
    public ExecResult exec(String... argv) {
        Objects.requireNonNull(argv);
        try {
            Container.ExecResult r = container.execInContainer(argv);
            return new ExecResult(r.getExitCode(), r.getStdout(), r.getStderr());
        } catch (IOException e) {
            throw new UncheckedIOException("docker exec on " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during docker exec on " + name, e);
        }
    }

    /** Runs a shell script as root through {@code docker exec}. */
    public ExecResult sh(String script) {
        return exec("sh", "-c", script);
    }

    /** The underlying container, for what this class does not cover. */
    public GenericContainer<?> container() {
        return container;
    }

    @Override
    public String toString() {
        return name + "(" + ip + ", ssh " + sshHost() + ":" + sshPort() + ")";
    }
}
