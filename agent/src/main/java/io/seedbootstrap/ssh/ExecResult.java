package io.seedbootstrap.ssh;

import java.time.Duration;

/**
 * What a remote command did. {@code command} is the display form (never holds secrets);
 * stdout and stderr are UTF-8 text, read concurrently while the command ran.
 */
public record ExecResult(String host, String command, int exitCode, String stdout, String stderr, Duration duration) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** The last {@code maxLines} lines of stderr (what an error message shows). */
    public String stderrTail(int maxLines) {
        String[] lines = stderr.strip().split("\n");
        int from = Math.max(0, lines.length - maxLines);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    /** This result, or an {@link SshFailure} naming host, command, exit code and stderr tail. */
    public ExecResult orThrow() {
        if (!ok()) {
            throw failure();
        }
        return this;
    }

    SshFailure failure() {
        String tail = stderrTail(15);
        return new SshFailure(SshFailure.Kind.COMMAND, host + ": `" + command + "` exited " + exitCode
                + (tail.isBlank() ? " (no stderr)" : ":\n" + tail.indent(2).stripTrailing()));
    }
}
