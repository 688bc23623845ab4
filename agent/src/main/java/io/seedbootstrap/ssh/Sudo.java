package io.seedbootstrap.ssh;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.ShellQuote;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * How a root command reaches sudo, the same for every transport (over SSH and local processes):
 * {@code sudo -n} when sudo needs no password, else {@code sudo -S} with a random prompt marker
 * and a ready marker, the password written to stdin only after the prompt marker (never argv),
 * the command's own stdin only after the ready marker.
 */
final class Sudo {
    enum Mode { NOT_NEEDED, PASSWORDLESS, PASSWORD }

    /** The shell text to run, and the markers the stderr watcher looks for (null without a password). */
    record Wire(String command, String prompt, String ready) {}

    private Sudo() {}

    static Wire wrap(Mode mode, String script, SecureRandom random) {
        return switch (mode) {
            case PASSWORDLESS -> new Wire("sudo -n -- sh -c " + ShellQuote.quote(script), null, null);
            case PASSWORD -> {
                byte[] b = new byte[12];
                random.nextBytes(b);
                String t = HexFormat.of().formatHex(b);
                String prompt = "[seed-bootstrap sudo " + t + "]";
                String ready = "seed-bootstrap-ready-" + t;
                yield new Wire("sudo -S -p " + ShellQuote.quote(prompt) + " -- sh -c "
                        + ShellQuote.quote("printf '%s\\n' " + ready + " >&2; " + script), prompt, ready);
            }
            case NOT_NEEDED -> new Wire(script, null, null);
        };
    }

    /**
     * Finds how this user becomes root: {@code root} needs nothing, else {@code sudo -n true}
     * decides between passwordless and the password (which must then be given).
     *
     * @param run runs a command as the login user, failure allowed
     */
    static Mode probe(String host, String user, boolean root, Secret password, Function<RemoteCommand, ExecResult> run,
            Redactor redactor) {
        if (root) {
            return Mode.NOT_NEEDED;
        }
        ExecResult probe = run.apply(RemoteCommand.of("sudo", "-n", "true").allowFailure());
        if (probe.ok()) {
            return Mode.PASSWORDLESS;
        }
        if (password != null) {
            return Mode.PASSWORD;
        }
        if (probe.stderr().contains("password is required")) {
            throw new SshFailure(SshFailure.Kind.SUDO, host + ": sudo asks " + user
                    + " for a password: give it as ssh.sudoPassword: ${ENV_VAR} in the inventory"
                    + " (or in this host's ssh section)");
        }
        throw new SshFailure(SshFailure.Kind.SUDO, host + ": " + user + " cannot use sudo (`sudo -n true` exited "
                + probe.exitCode() + "): " + redactor.redact(probe.stderrTail(5)));
    }

    /**
     * sudo -S with our prompt marker: the password is written only after sudo printed the
     * marker, and the command's own stdin only after the command announced itself, so the
     * password can never end up in the command's data and data never in sudo's password read.
     * Returns false when stdin was closed (wrong password: EOF ends sudo at once).
     */
    static boolean handshake(String host, String user, Secret password, StderrWatcher err, OutputStream in, long deadline,
            String shown) throws IOException, InterruptedException {
        boolean sent = false;
        while (true) {
            StderrWatcher.Event e = err.next(deadline);
            if (e == null) {
                throw new SshFailure(SshFailure.Kind.TIMEOUT, host + ": sudo did not start `" + shown
                        + "` in time (no prompt, no start)");
            }
            switch (e) {
                case READY:
                    return true;
                case EOF:
                    return false; // sudo ended: the exit code and stderr tell why
                case PROMPT:
                    if (sent) {
                        try {
                            in.close();
                        } catch (IOException ignored) {
                            // closing ends sudo's read either way
                        }
                        throw new SshFailure(SshFailure.Kind.SUDO, host + ": sudo refused the password " + password + " for " + user);
                    }
                    in.write((password.reveal() + "\n").getBytes(StandardCharsets.UTF_8));
                    in.flush();
                    sent = true;
                    break;
                default:
                    throw new IllegalStateException(e.toString());
            }
        }
    }
}
