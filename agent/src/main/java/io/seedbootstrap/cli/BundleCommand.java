package io.seedbootstrap.cli;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap bundle ...}: build, check and describe offline bundles; one class per subcommand. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Offline bundles: signing keys, create from a bill of materials, verify, inspect.")
public final class BundleCommand implements Runnable {
    /** Its subcommands, in help's order; RootCommand builds only the one the arguments name (not in @Command for that). */
    static final List<Class<?>> SUBCOMMANDS = List.of(BundleKeygenCommand.class, BundleCreateCommand.class, BundleVerifyCommand.class,
            BundleInspectCommand.class, BundleMirrorListCommand.class, BundleSchemaCommand.class, BundlePushCommand.class);

    @Spec
    CommandSpec bundleSpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(bundleSpec.commandLine(),
                "a subcommand is required: keygen, create, verify, inspect, push, mirror-list or schema");
    }

    /** A passphrase from the environment variable an option names, or null when no variable is named. */
    static Secret passphrase(CliContext context, String variable) {
        if (variable == null) {
            return null;
        }
        String value = context.environment().get(variable).orElseThrow(() -> SeedException.badInput(
                "--passphrase-env " + variable + ": the environment variable " + variable + " is not set"));
        if (value.isEmpty()) {
            throw SeedException.badInput("--passphrase-env " + variable + ": the environment variable " + variable + " is empty");
        }
        return Secret.fromEnv(value, variable);
    }
}
