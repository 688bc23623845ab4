package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.bom.BomSchema;
import io.seedbootstrap.pki.BundleSigningKey;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap bundle ...}: build, check and describe offline bundles. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Offline bundles: signing keys, create from a bill of materials, verify, inspect.",
        subcommands = {BundleCommand.Keygen.class, BundleCommand.Schema.class})
public final class BundleCommand implements Runnable {
    @Spec
    CommandSpec bundleSpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(bundleSpec.commandLine(),
                "a subcommand is required: keygen, create, verify, inspect, mirror-list or schema");
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Create the dedicated bundle-signing key (Ed25519; never a CA key) and print its fingerprint, which "
                    + "inventories pin as bundle.signingKeyFingerprint.",
                "Writes DIR/" + BundleSigningKey.PRIVATE_FILE + " (PKCS#8 PEM, 0600; keep it on the build machine, offline if you can) "
                    + "and DIR/" + BundleSigningKey.PUBLIC_FILE + "."})
    static final class Keygen implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the key files (created if needed).")
        Path out;

        @Option(names = "--passphrase-env", paramLabel = "NAME",
                description = "Encrypt the private key with the passphrase in this environment variable (never on the command line).")
        String passphraseEnv;

        @Option(names = "--force", description = "Replace existing key files (inventories pinning the old fingerprint will refuse new bundles).")
        boolean force;

        @Option(names = {"-o", "--output"}, description = "text or json.", defaultValue = "text")
        OutputFormat output;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        Keygen(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Secret passphrase = passphrase(context, passphraseEnv);
            BundleSigningKey key = BundleSigningKey.generate();
            BundleSigningKey.Written written = key.write(out, passphrase, force);
            if (output == OutputFormat.JSON) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("privateKey", written.privateKeyFile().toString());
                result.put("publicKey", written.publicKeyFile().toString());
                result.put("encrypted", written.encrypted());
                result.put("fingerprint", key.fingerprint());
                InventoryCommand.print(spec.commandLine().getOut(), Json.json(), result);
            } else {
                spec.commandLine().getErr().println("wrote " + written.privateKeyFile() + " (private key, mode 0600"
                        + (written.encrypted() ? ", encrypted" : ", not encrypted") + ") and " + written.publicKeyFile());
                spec.commandLine().getErr().println("pin the fingerprint in the inventory: bundle: {signingKeyFingerprint: \""
                        + key.fingerprint() + "\"}");
                spec.commandLine().getOut().println(key.fingerprint());
            }
            return 0;
        }
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

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the bill-of-materials format (bundles/*.yaml), for editors.")
    static final class Schema implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(BomSchema.json());
            return 0;
        }
    }
}
