package io.seedbootstrap.ssh;

import java.time.Duration;

/**
 * What the {@link Uploader} needs of a transport: run one command (root through {@link Sudo},
 * stdin streamed, a non-zero exit raised unless allowed), and start afresh after a broken link.
 * SSH ({@link SshRemoteHost}) and local processes ({@link LocalHost}) give the same guarantees,
 * so a file reaches a host by the same staged, verified, atomic path whichever way it is reached.
 */
interface CommandRunner {
    String name();

    ExecResult run(RemoteCommand command);

    /** Drops what may be broken (a connection) before a retry; nothing for a local host. */
    void reconnect();

    /** The host's command timeout, to which a transfer adds 1 s per MB. */
    Duration commandTimeout();
}
