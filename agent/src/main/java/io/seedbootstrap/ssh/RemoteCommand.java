package io.seedbootstrap.ssh;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.ShellQuote;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command to run on a host: shell text built with proper quoting, the form shown in logs,
 * whether it runs as root (through sudo when the login user is not root), whether a non-zero
 * exit is an error, and what goes to its stdin. Secrets go through stdin only, never argv.
 *
 * @param timeout null for the host's command timeout
 */
public record RemoteCommand(String script, String display, boolean root, boolean check, Duration timeout, Stdin stdin) {

    /** What is written to a command's stdin; {@link #toString()} must not reveal it. */
    public interface Stdin {
        void writeTo(OutputStream out) throws IOException;

        static Stdin of(byte[] data) {
            byte[] copy = data.clone();
            return new Stdin() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(copy);
                }

                @Override
                public String toString() {
                    return copy.length + " bytes";
                }
            };
        }

        static Stdin of(String text) {
            return of(text.getBytes(StandardCharsets.UTF_8));
        }

        /** A secret followed by a newline; revealed only here, on its way into the channel. */
        static Stdin secret(Secret secret) {
            return new Stdin() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write((secret.reveal() + "\n").getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public String toString() {
                    return secret.toString();
                }
            };
        }
    }

    public RemoteCommand {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(display, "display");
    }

    /** A program and its arguments, each quoted; shown as the same quoted text. */
    public static RemoteCommand of(String... argv) {
        String s = ShellQuote.join(argv);
        return new RemoteCommand(s, s, false, true, null, null);
    }

    public static RemoteCommand of(List<String> argv) {
        String s = ShellQuote.join(argv);
        return new RemoteCommand(s, s, false, true, null, null);
    }

    /** Shell text used as is; the caller quotes what it interpolates ({@link ShellQuote}). */
    public static RemoteCommand shell(String script) {
        return new RemoteCommand(script, script, false, true, null, null);
    }

    /** Shell text shown as {@code display} in logs and errors (for long generated scripts). */
    public static RemoteCommand shell(String script, String display) {
        return new RemoteCommand(script, display, false, true, null, null);
    }

    /** Runs as root: through sudo when the login user is not root. */
    public RemoteCommand asRoot() {
        return new RemoteCommand(script, display, true, check, timeout, stdin);
    }

    /** A non-zero exit is returned in the {@link ExecResult} instead of raised. */
    public RemoteCommand allowFailure() {
        return new RemoteCommand(script, display, root, false, timeout, stdin);
    }

    public RemoteCommand timeout(Duration limit) {
        return new RemoteCommand(script, display, root, check, limit, stdin);
    }

    public RemoteCommand stdin(Stdin input) {
        return new RemoteCommand(script, display, root, check, timeout, input);
    }

    @Override
    public String toString() {
        return (root ? "[root] " : "") + display + (stdin != null ? " <stdin: " + stdin + ">" : "");
    }
}
