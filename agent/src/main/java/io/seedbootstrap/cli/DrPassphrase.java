package io.seedbootstrap.cli;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.Console;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The DR archive passphrase: from an environment variable (never argv), else typed on the terminal without echo. */
final class DrPassphrase {
    static final String DEFAULT_VARIABLE = "SEED_DR_PASSPHRASE";
    /** scrypt slows guessing, it cannot make a short passphrase strong. */
    static final int MIN_LENGTH = 12;

    @Option(names = "--passphrase-env", paramLabel = "NAME", defaultValue = DEFAULT_VARIABLE,
            description = "Environment variable holding the archive passphrase (default: ${DEFAULT-VALUE}); "
                    + "when it is not set, the passphrase is asked for on the terminal.")
    String variable;

    /**
     * The passphrase read the first time it is asked for, then kept: upgrade needs it only when it
     * takes a snapshot, so a converged re-run neither prompts nor needs the variable set. One in the
     * environment is read and checked at once.
     */
    Supplier<Secret> whenNeeded(CliContext context, boolean sealing) {
        if (fromEnvironment(context).isPresent()) {
            Secret now = get(context, sealing); // nothing to ask: a too short one is refused at once, before any host
            return () -> now;
        }
        Secret[] read = new Secret[1];
        return () -> {
            synchronized (read) {
                if (read[0] == null) {
                    read[0] = get(context, sealing);
                }
                return read[0];
            }
        };
    }

    /** The passphrase if the environment variable holds one (to redact it from the start), else empty. */
    Optional<Secret> fromEnvironment(CliContext context) {
        return context.environment().get(variable).filter(v -> !v.isEmpty()).map(v -> Secret.fromEnv(v, variable));
    }

    /** @param sealing a new archive: the passphrase is typed twice and must have {@link #MIN_LENGTH} characters */
    Secret get(CliContext context, boolean sealing) {
        String value = context.environment().get(variable).orElse("");
        Secret secret;
        if (!value.isEmpty()) {
            secret = Secret.fromEnv(value, variable);
        } else {
            Console console = System.console();
            if (console == null) {
                throw SeedException.badInput("no archive passphrase: set the environment variable " + variable
                        + " (or run in a terminal to type it)");
            }
            char[] first = console.readPassword("DR archive passphrase: ");
            if (first == null || first.length == 0) {
                throw SeedException.badInput("no passphrase given");
            }
            if (sealing && !Arrays.equals(first, console.readPassword("the same passphrase again: "))) {
                throw SeedException.badInput("the two passphrases differ; nothing was written");
            }
            secret = Secret.literal(new String(first));
            Arrays.fill(first, ' ');
        }
        if (sealing && secret.reveal().length() < MIN_LENGTH) {
            throw SeedException.badInput("the archive passphrase must have at least " + MIN_LENGTH + " characters");
        }
        return secret;
    }
}
