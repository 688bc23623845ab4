package io.seedbootstrap.cli;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.PhaseRunner;
import io.seedbootstrap.phase.Reporter;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunOptions;
import io.seedbootstrap.phase.common.HostLock;
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
import java.util.function.BiFunction;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs one action's phases for a command the way install does (run id, host lock, reporter with
 * the log file, redaction of every known secret, the log's path and "nothing was changed" on
 * failure). For install, backup, restore and reset.
 */
final class ActionRun {
    private final CommandSpec spec;
    private final CliContext context;
    private final String command;

    ActionRun(CommandSpec spec, CliContext context, String command) {
        this.spec = spec;
        this.context = context;
        this.command = command;
    }

    /** What a finished run hands to the printer. */
    record Finished(RunContext run, List<PhaseRunner.PhaseResult> results, Duration took) {}

    /**
     * @param phases builds the phase list from the run id and this process's host lock
     */
    Finished run(Inventory inventory, List<Secret> secrets, boolean dryRun, Path logFile, Duration waitTimeout,
            BiFunction<String, HostLock, List<Phase>> phases, String headline) {
        Clock clock = Clock.systemUTC();
        Instant started = clock.instant();
        Path log = logFile != null ? logFile : defaultLogFile(started);
        PrintWriter err = spec.commandLine().getErr();
        String runId = RunOptions.newRunId(started, new java.security.SecureRandom());
        HostLock lock = HostLock.forThisProcess(runId, operatorHost(), command, started);
        Redactor redactor = Redactor.of(withInventorySecrets(inventory, secrets));
        try (Reporter reporter = new Reporter(err, log, redactor, verbose(), clock)) {
            RunContext run = new RunContext(new RunOptions(dryRun, log, waitTimeout, runId), inventory, new Hosts(Hosts.Limits.defaults()),
                    reporter);
            reporter.info(null, (dryRun ? "dry run: nothing will be changed. " : "") + headline + ", run " + runId + ", log " + log);
            try {
                List<PhaseRunner.PhaseResult> results = new PhaseRunner(clock).run(phases.apply(runId, lock), run);
                return new Finished(run, results, Duration.between(started, clock.instant()));
            } catch (RuntimeException e) {
                err.println("seed-bootstrap: the full log of this run is " + log);
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
    static RuntimeException redacted(RuntimeException e, Redactor redactor) {
        if (e instanceof SeedException seed && e.getMessage() != null && redactor.leaks(e.getMessage())) {
            SeedException clean = new SeedException(seed.exitCode(), redactor.redact(e.getMessage()));
            clean.setStackTrace(e.getStackTrace()); // the trace (--verbose) without the cause, whose message holds the secret
            return clean;
        }
        return e;
    }

    static List<Secret> withInventorySecrets(Inventory inventory, List<Secret> extra) {
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
        Path state = context.environment().get("XDG_STATE_HOME").filter(s -> !s.isBlank()).map(Path::of)
                .orElse(context.home().resolve(".local").resolve("state"));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        return state.resolve("seed-bootstrap").resolve("logs").resolve(command + "-" + stamp + ".log");
    }

    private String operatorHost() {
        return context.environment().get("HOSTNAME").filter(s -> !s.isBlank()).orElseGet(() -> {
            try {
                return java.nio.file.Files.readString(Path.of("/etc/hostname")).strip();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        });
    }

    private boolean verbose() {
        picocli.CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof RootCommand r && r.verbose;
    }

    /** The plan (dry run) or the changes made, one line each, on {@code out}. */
    static void printChanges(PrintWriter out, RunContext run, boolean dryRun, Consumer<String> heading) {
        if (dryRun) {
            out.print(run.plan().render());
            out.println("Dry run: nothing was changed. Run without --dry-run to make these changes.");
            return;
        }
        heading.accept(run.plan().lastingChanges().size() + " change(s) made");
    }
}
