package io.seedbootstrap.phase;

import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.TerminalText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

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

    private static BufferedWriter open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run log " + file, e);
        }
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
