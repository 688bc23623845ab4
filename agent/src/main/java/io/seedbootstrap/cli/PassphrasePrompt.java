package io.seedbootstrap.cli;

import io.seedbootstrap.pki.ca.PkiSettings;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.Console;
import java.nio.file.Files;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** --ask-root-key-passphrase: the root key passphrase typed on the terminal (no echo) instead of pki.rootKeyPassphrase. */
final class PassphrasePrompt {
    @Option(names = "--ask-root-key-passphrase",
            description = "Ask on the terminal for the passphrase of the root and intermediate keys (instead of pki.rootKeyPassphrase).")
    boolean ask;

    /**
     * @param confirmNew ask twice when no root key exists yet (it is about to be encrypted with it)
     */
    PkiSettings apply(PkiSettings settings, boolean confirmNew) {
        if (!ask) {
            return settings;
        }
        Console console = System.console();
        if (console == null) {
            throw SeedException.badInput("--ask-root-key-passphrase needs a terminal; without one set pki.rootKeyPassphrase: ${ENV_VAR}");
        }
        char[] first = console.readPassword("passphrase of the root and intermediate keys: ");
        if (first == null || first.length == 0) {
            throw SeedException.badInput("no passphrase given");
        }
        if (confirmNew && !Files.exists(settings.layout().clusterRootKey())) {
            char[] again = console.readPassword("the same passphrase again: ");
            if (!Arrays.equals(first, again)) {
                throw SeedException.badInput("the two passphrases differ; nothing was written");
            }
        }
        return settings.withRootKeyPassphrase(Secret.literal(new String(first)));
    }
}
