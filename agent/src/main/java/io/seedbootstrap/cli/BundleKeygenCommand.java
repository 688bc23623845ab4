package io.seedbootstrap.cli;

import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bundle keygen}: the bundle-signing key. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create the dedicated bundle-signing key (Ed25519; never a CA key) and print its fingerprint, which "
                + "inventories pin as bundle.signingKeyFingerprint.",
            "Writes DIR/" + BundleSigningKey.PRIVATE_FILE + " (PKCS#8 PEM, 0600; keep it on the build machine, offline if you can) "
                + "and DIR/" + BundleSigningKey.PUBLIC_FILE + "."})
final class BundleKeygenCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the key files (created if needed).")
    Path out;

    @Option(names = "--passphrase-env", paramLabel = "NAME",
            description = "Encrypt the private key with the passphrase in this environment variable (never on the command line).")
    String passphraseEnv;

    @Option(names = "--force", description = "Replace existing key files (inventories pinning the old fingerprint will refuse new bundles).")
    boolean force;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Secret passphrase = BundleCommand.passphrase(context, passphraseEnv);
        BundleSigningKey key = BundleSigningKey.generate();
        BundleSigningKey.Written written = key.write(out, passphrase, force);
        if (output.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("privateKey", written.privateKeyFile().toString());
            result.put("publicKey", written.publicKeyFile().toString());
            result.put("encrypted", written.encrypted());
            result.put("fingerprint", key.fingerprint());
            printJson(result);
        } else {
            err().println("wrote " + written.privateKeyFile() + " (private key, mode 0600"
                    + (written.encrypted() ? ", encrypted" : ", not encrypted") + ") and " + written.publicKeyFile());
            err().println("pin the fingerprint in the inventory: bundle: {signingKeyFingerprint: \""
                    + key.fingerprint() + "\"}");
            out().println(key.fingerprint());
        }
        return 0;
    }
}
