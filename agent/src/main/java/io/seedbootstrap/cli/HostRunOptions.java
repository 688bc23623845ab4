package io.seedbootstrap.cli;

import io.seedbootstrap.ssh.SshOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that changes hosts shares (install, backup, restore, reset). */
final class HostRunOptions {
    @Mixin
    HostKeyOption hostKeys;

    @Option(names = "--force-unlock", description = "Take host locks held by another run (only when that run is known to be dead).")
    boolean forceUnlock;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for RKE2: a node to start and be Ready, a snapshot (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "The full debug log of this run (default: $XDG_STATE_HOME/seed-bootstrap/logs/COMMAND-TIME.log); created 0600, "
                    + "an existing FILE must be a regular file of mode 0600.")
    Path logFile;

    SshOptions ssh() {
        return hostKeys.ssh();
    }

    Duration waitTimeout() {
        return Duration.ofSeconds(waitSeconds);
    }
}
