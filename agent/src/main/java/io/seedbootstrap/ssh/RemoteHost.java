package io.seedbootstrap.ssh;

/**
 * One host reached over SSH, or the machine seed-bootstrap runs on reached by local processes
 * ({@link LocalHost}, same guarantees). Phases talk to hosts only through this interface (tests give them
 * fakes). Commands run without a PTY, stdout and stderr read concurrently; a non-zero exit
 * raises {@link SshFailure} unless the command {@link RemoteCommand#allowFailure() allows it}.
 * Safe to use from several threads: channels are bounded by the host's maxSessions.
 */
public interface RemoteHost extends AutoCloseable {

    /** The inventory name. */
    String name();

    ExecResult exec(RemoteCommand command);

    default ExecResult exec(String... argv) {
        return exec(RemoteCommand.of(argv));
    }

    /**
     * The host key this connection verified (against the pin or the operator's known_hosts),
     * as {@code type base64} like a known_hosts line without the name; empty when the
     * implementation does not know it. The relay hands it to peers so they check the same key.
     */
    default java.util.Optional<String> hostKey() {
        return java.util.Optional.empty();
    }

    /**
     * Runs a command whose stdout is data (a file fetched from the host): it is written to
     * {@code sink} as it arrives, never held whole in memory and never redacted, so the caller
     * treats it as the secret it may be. The result's stdout is empty; a non-zero exit throws
     * unless allowed, as for {@link #exec}. Give a timeout long enough for the transfer.
     */
    default ExecResult download(RemoteCommand command, java.io.OutputStream sink) {
        throw new UnsupportedOperationException(name() + ": this RemoteHost cannot stream downloads");
    }

    /**
     * True for the machine seed-bootstrap runs on: its "uploads" are local copies, so the relay
     * makes it the first holder of every file it receives (the bundle is read once, on it).
     */
    default boolean isLocal() {
        return false;
    }

    /** Uploads one local file (see {@link Upload} for the guarantees). */
    UploadResult upload(Upload upload);

    @Override
    void close();

    /** Connects, verifies the host key, authenticates. */
    static RemoteHost connect(SshTarget target, SshOptions options) {
        return SshRemoteHost.connect(target, options);
    }

    /**
     * The one place a transport is chosen for an inventory host: the machine seed-bootstrap runs
     * on ({@code connection: local}, set or recognised by its address when the inventory was
     * loaded) is reached by local processes ({@link LocalHost}), every other host over SSH.
     */
    static RemoteHost open(io.seedbootstrap.inventory.model.Host host, io.seedbootstrap.inventory.model.Ssh ssh, SshOptions options) {
        SshTarget target = SshTarget.of(host, ssh);
        return host.connection() == io.seedbootstrap.inventory.model.Connection.LOCAL
                ? LocalHost.of(target, options)
                : connect(target, options);
    }
}
