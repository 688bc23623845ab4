package io.seedbootstrap.phase;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an action runs, decided by the command line.
 *
 * @param dryRun record changes instead of making them; read-only work still happens
 * @param logFile the full debug log of this run (always written; its path is printed on failure)
 * @param waitTimeout how long phases wait for services to become ready
 */
public record RunOptions(boolean dryRun, Path logFile, Duration waitTimeout) {}
