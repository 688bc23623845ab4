package io.seedbootstrap.phase;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an action runs, decided by the command line.
 *
 * @param dryRun record changes instead of making them; read-only work still happens
 * @param logFile the full debug log of this run (always written; its path is printed on failure)
 * @param waitTimeout how long phases wait for services to become ready
 * @param runId      names this run on hosts (host lock, relay credentials): letters, digits, '.' and '_'
 */
public record RunOptions(boolean dryRun, Path logFile, Duration waitTimeout, String runId) {
    private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.]{0,63}");

    public RunOptions {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id must be letters, digits, '.' or '_': " + runId);
        }
    }

    /** A new run id: the start time (sortable, readable in a lock file) and 6 random hex digits. */
    public static String newRunId(java.time.Instant started, java.util.random.RandomGenerator random) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(java.time.ZoneOffset.UTC).format(started)
                + "." + String.format("%06x", random.nextInt(1 << 24));
    }
}
