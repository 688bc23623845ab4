package io.seedbootstrap.ssh;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;

/**
 * A {@link SeedException} from the SSH transport that also says what went wrong, so a retry can
 * tell an error that may heal (a dropped link) from one that never will (a host key that does
 * not match, a refused login, a checksum mismatch). Messages never hold secrets.
 */
public final class SshFailure extends SeedException {

    public enum Kind {
        /** The host presented a key that no known_hosts line or pin vouches for. */
        HOST_KEY_UNKNOWN(ExitCode.UNEXPECTED_STATE, false),
        /** The host presented a key other than the recorded or pinned one. */
        HOST_KEY_CHANGED(ExitCode.UNEXPECTED_STATE, false),
        /** The server refused every credential we have. */
        AUTH(ExitCode.BAD_INPUT, false),
        /** A local key file could not be read or decrypted. */
        KEY_FILE(ExitCode.BAD_INPUT, false),
        /** sudo refused the password (or asked for one that we do not have). */
        SUDO(ExitCode.BAD_INPUT, false),
        /** The host offers no algorithm of the modern set we accept (docs/ssh.md "Algorithms"). */
        ALGORITHMS(ExitCode.UNEXPECTED_STATE, false),
        /** TCP connect or SSH handshake failed or timed out. */
        CONNECT(ExitCode.FAILED, true),
        /** The connection broke (dead peer, reset, keepalive gave up). */
        DISCONNECTED(ExitCode.FAILED, true),
        /** A remote command ran longer than its timeout. */
        TIMEOUT(ExitCode.FAILED, false),
        /** A remote command exited non-zero. */
        COMMAND(ExitCode.FAILED, false),
        /** A file on the host does not have the sha256 it must have. */
        CHECKSUM(ExitCode.FAILED, false),
        /** A local file could not be read. */
        LOCAL_IO(ExitCode.FAILED, false),
        /**
         * A local file's bytes are not the content the upload expects (it changed after it was
         * verified): refused, nothing of it left on the host.
         */
        SOURCE_CHANGED(ExitCode.FAILED, false);

        private final ExitCode exitCode;
        private final boolean retryable;

        Kind(ExitCode exitCode, boolean retryable) {
            this.exitCode = exitCode;
            this.retryable = retryable;
        }
    }

    private final Kind kind;

    public SshFailure(Kind kind, String message) {
        super(kind.exitCode, message);
        this.kind = kind;
    }

    public SshFailure(Kind kind, String message, Throwable cause) {
        super(kind.exitCode, message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True for errors that a new connection may cure. */
    public boolean retryable() {
        return kind.retryable;
    }

    /** The retry predicate every caller should use: only transport breaks are retried. */
    public static boolean isRetryable(RuntimeException e) {
        return e instanceof SshFailure f && f.retryable();
    }
}
