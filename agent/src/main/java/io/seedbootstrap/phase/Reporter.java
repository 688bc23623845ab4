package io.seedbootstrap.phase;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.TerminalText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Progress for the operator on stderr (host-prefixed) and the full debug log in a file
 * (architecture.md house style 3). Every line passes the {@link Redactor} first.
 */
public final class Reporter implements AutoCloseable {
    private final PrintWriter err;
    private final BufferedWriter log;
    private final Path logFile;
    private final Redactor redactor;
    private final boolean verbose;
    private final Clock clock;

    public Reporter(PrintWriter err, Path logFile, Redactor redactor, boolean verbose, Clock clock) {
        this.err = err;
        this.logFile = logFile;
        this.redactor = redactor;
        this.verbose = verbose;
        this.clock = clock;
        this.log = logFile == null ? null : open(logFile);
    }

    /**
     * The log holds host names, addresses, commands and paths (secrets are redacted, but the rest
     * is the site's layout), so it is the operator's alone: created 0600, or appended to only
     * when it already is a regular file that neither group nor others may access. A wider mode
     * is refused rather than changed (the file is not ours to re-mode), and so is a symbolic
     * link or a device (a link in a shared folder could point the log anywhere).
     */
    private static BufferedWriter open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                // O_CREAT|O_EXCL: never follows a link, and the file is 0600 from its first byte
                return writer(Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
            } catch (FileAlreadyExistsException exists) {
                requirePrivate(file);
                return writer(Files.newByteChannel(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run log " + file, e);
        }
    }

    private static void requirePrivate(Path file) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw SeedException.badInput("the run log " + file + " exists and is " + (a.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                    + "; give the path of a new file or of a regular file with mode 0600 (--log-file)");
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions());
        open.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
        if (!open.isEmpty()) {
            throw SeedException.badInput("the run log " + file + " exists with mode " + PosixFilePermissions.toString(a.permissions())
                    + ", but a run log must be readable by you only (0600): chmod 600 " + file + ", or give a new file (--log-file)");
        }
    }

    private static BufferedWriter writer(java.nio.channels.SeekableByteChannel channel) {
        return new BufferedWriter(java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8));
    }

    /** The debug log of this run, or null when none is kept. */
    public Path logFile() {
        return logFile;
    }

    public void phaseStarted(int index, int total, String title) {
        info(null, "[" + index + "/" + total + "] " + title);
    }

    public void phaseFinished(String title, Duration took, boolean skipped) {
        String what = skipped ? "nothing to do" : "done in " + seconds(took);
        info(null, "      " + title + ": " + what);
    }

    /** A line for the operator and the log. {@code host} may be null for run-wide lines. */
    public synchronized void info(String host, String message) {
        String line = TerminalText.escape(prefix(host) + redactor.redact(message));
        err.println(line);
        err.flush();
        write("INFO ", line);
    }

    /** A warning: shown and logged. */
    public synchronized void warn(String host, String message) {
        String line = TerminalText.escape(prefix(host) + "warning: " + redactor.redact(message));
        err.println(line);
        err.flush();
        write("WARN ", line);
    }

    /** Detail for the log file (and stderr with --verbose). */
    public synchronized void debug(String host, String message) {
        String line = TerminalText.escape(prefix(host) + redactor.redact(message));
        if (verbose) {
            err.println(line);
            err.flush();
        }
        write("DEBUG", line);
    }

    private void write(String level, String line) {
        if (log == null) {
            return;
        }
        try {
            log.write(DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + " " + level + " " + line);
            log.newLine();
            log.flush();
        } catch (IOException e) {
            err.println("seed-bootstrap: cannot write the run log " + logFile + ": " + e.getMessage());
        }
    }

    private static String prefix(String host) {
        return host == null ? "" : host + ": ";
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                err.println("seed-bootstrap: cannot close the run log " + logFile + ": " + e.getMessage());
            }
        }
    }
}
