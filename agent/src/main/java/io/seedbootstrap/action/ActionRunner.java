package io.seedbootstrap.action;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.PhaseRunner;
import io.seedbootstrap.phase.Plan;
import io.seedbootstrap.phase.Reporter;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunOptions;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The engine every action runs on (install, preflight, backup, restore, reset): a run id, this
 * process's {@link HostLock}, a reporter with the log file, redaction of every known secret, the
 * phases through {@link PhaseRunner}, and on failure the log's path and "nothing was changed".
 * Each action's {@code run} builds its phases here and returns a result record; the commands
 * only adapt options to a request and print the record.
 */
public final class ActionRunner {
    /**
     * How one command runs its action.
     *
     * @param command     the command's name (in the lock file and the default log file's name)
     * @param logFile     null: $XDG_STATE_HOME/seed-bootstrap/logs/COMMAND-TIME.log (when {@code keepLog})
     * @param verbose     debug lines on stderr too
     * @param err         the operator's progress
     * @param environment HOSTNAME and XDG_STATE_HOME
     * @param keepLog     write the run's debug log (false for read-only runs: preflight)
     */
    public record Settings(String command, boolean dryRun, Path logFile, Duration waitTimeout, boolean verbose, PrintWriter err,
            Environment environment, Path home, boolean keepLog) {}

    /** What every finished run reports: its plan (the changes, made or planned), each phase's outcome, how long it took. */
    public record Finished(Plan plan, List<PhaseRunner.PhaseResult> phases, Duration took) {}

    /** A finished run with its context, for the action to read its result from (phase-owned keys stay in the action layer). */
    record Ran(RunContext context, Finished finished) {}

    private final Settings settings;

    public ActionRunner(Settings settings) {
        this.settings = settings;
    }

    public boolean dryRun() {
        return settings.dryRun();
    }

    /**
     * @param phases builds the phase list from this process's host lock
     */
    Ran run(Inventory inventory, List<Secret> secrets, Function<HostLock, List<Phase>> phases, String headline) {
        Clock clock = Clock.systemUTC();
        Instant started = clock.instant();
        boolean dryRun = settings.dryRun();
        Path log = !settings.keepLog() ? null : settings.logFile() != null ? settings.logFile() : defaultLogFile(started);
        PrintWriter err = settings.err();
        String runId = RunOptions.newRunId(started, new java.security.SecureRandom());
        HostLock lock = HostLock.forThisProcess(runId, operatorHost(), settings.command(), started);
        Redactor redactor = Redactor.of(withInventorySecrets(inventory, secrets));
        try (Reporter reporter = new Reporter(err, log, redactor, settings.verbose(), clock)) {
            RunContext run = new RunContext(new RunOptions(dryRun, log, settings.waitTimeout(), runId), inventory,
                    new Hosts(Hosts.Limits.defaults()), reporter);
            reporter.info(null, (dryRun ? "dry run: nothing will be changed. " : "") + headline + ", run " + runId
                    + (log == null ? "" : ", log " + log));
            try {
                List<PhaseRunner.PhaseResult> results = new PhaseRunner(clock).run(phases.apply(lock), run);
                return new Ran(run, new Finished(run.plan(), results, Duration.between(started, clock.instant())));
            } catch (RuntimeException e) {
                if (log != null) {
                    err.println("seed-bootstrap: the full log of this run is " + log);
                }
                if (dryRun || run.plan().lastingChanges().isEmpty()) {
                    err.println("seed-bootstrap: nothing was changed on any host");
                }
                throw redacted(e, redactor);
            }
        }
    }

    /**
     * The error as Main will print it, with every known secret masked: messages quote host
     * output and file diffs (config.yaml drift), which may hold a value from ${ENV}.
     */
    public static RuntimeException redacted(RuntimeException e, Redactor redactor) {
        if (e instanceof SeedException seed && e.getMessage() != null && redactor.leaks(e.getMessage())) {
            SeedException clean = new SeedException(seed.exitCode(), redactor.redact(e.getMessage()));
            clean.setStackTrace(e.getStackTrace()); // the trace (--verbose) without the cause, whose message holds the secret
            return clean;
        }
        return e;
    }

    public static List<Secret> withInventorySecrets(Inventory inventory, List<Secret> extra) {
        List<Secret> secrets = new ArrayList<>(extra);
        if (inventory.ssh() != null) {
            Optional.ofNullable(inventory.ssh().sudoPassword()).ifPresent(secrets::add);
            Optional.ofNullable(inventory.ssh().identityPassphrase()).ifPresent(secrets::add);
        }
        for (Host host : inventory.hosts()) {
            if (host.ssh() != null && host.ssh().sudoPassword() != null) {
                secrets.add(host.ssh().sudoPassword());
            }
        }
        inventory.registries().configs().values().forEach(c -> Optional.ofNullable(c.password()).ifPresent(secrets::add));
        var apps = inventory.apps();
        Optional.ofNullable(apps.rancher().bootstrapPassword()).ifPresent(secrets::add);
        Optional.ofNullable(apps.argocd().adminPassword()).ifPresent(secrets::add);
        Optional.ofNullable(apps.argocd().repo()).map(r -> r.password()).ifPresent(secrets::add);
        Optional.ofNullable(apps.certManager().issuer().vault()).map(v -> v.secretId()).ifPresent(secrets::add);
        Optional.ofNullable(apps.catalog().externalSecrets().secretId()).ifPresent(secrets::add);
        Optional.ofNullable(apps.catalog().velero()).ifPresent(v -> {
            Optional.ofNullable(v.accessKeyId()).ifPresent(secrets::add);
            Optional.ofNullable(v.secretAccessKey()).ifPresent(secrets::add);
        });
        // extra RKE2 config: values written as ${ENV} (etcd-s3-secret-key: ${S3_SECRET}) are held as Secrets
        freeFormSecrets(inventory.rke2().config(), secrets);
        freeFormSecrets(inventory.rke2().serverConfig(), secrets);
        freeFormSecrets(inventory.rke2().agentConfig(), secrets);
        inventory.hosts().forEach(h -> freeFormSecrets(h.config(), secrets));
        return secrets;
    }

    private static void freeFormSecrets(Object value, List<Secret> out) {
        if (value instanceof Secret secret) {
            out.add(secret);
        } else if (value instanceof java.util.Map<?, ?> map) {
            map.values().forEach(v -> freeFormSecrets(v, out));
        } else if (value instanceof java.util.Collection<?> list) {
            list.forEach(v -> freeFormSecrets(v, out));
        }
    }

    private Path defaultLogFile(Instant started) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        return logDirectory(settings.environment(), settings.home()).resolve(settings.command() + "-" + stamp + ".log");
    }

    /** Where the runs' debug logs go by default: $XDG_STATE_HOME/seed-bootstrap/logs (~/.local/state when unset). */
    public static Path logDirectory(Environment environment, Path home) {
        Path state = environment.get("XDG_STATE_HOME").filter(s -> !s.isBlank()).map(Path::of)
                .orElse(home.resolve(".local").resolve("state"));
        return state.resolve("seed-bootstrap").resolve("logs");
    }

    private String operatorHost() {
        return settings.environment().get("HOSTNAME").filter(s -> !s.isBlank()).orElseGet(() -> {
            try {
                return java.nio.file.Files.readString(Path.of("/etc/hostname")).strip();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        });
    }
}
