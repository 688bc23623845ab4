package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleKeygenCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheFingerprintToPinOnStdoutAndWhatItWroteOnStderr() throws Exception {
        Path keys = dir.resolve("keys");
        CommandRunner.Result result = CommandRunner.run("bundle", "keygen", "--out", keys.toString());
        assertEquals(0, result.exitCode(), result.err());
        String fingerprint = result.out().strip();
        assertTrue(fingerprint.matches("^SHA256:[A-Za-z0-9+/]{43}$"), result.out());
        assertEquals(fingerprint, BundleSigningKey.read(keys.resolve("bundle-signing.key"), null).fingerprint());
        assertEquals("wrote " + keys.resolve("bundle-signing.key") + " (private key, mode 0600, not encrypted) and "
                + keys.resolve("bundle-signing.pub") + "\n"
                + "pin the fingerprint in the inventory: bundle: {signingKeyFingerprint: \"" + fingerprint + "\"}\n", result.err());
    }

    @Test
    void encryptsWithAPassphraseFromTheEnvironmentAndNeverPrintsIt() throws Exception {
        Path keys = dir.resolve("keys");
        CommandRunner.Result result = CommandRunner.run(Map.of("SIGNING_PASS", "hunter2 hunter2"), dir,
                "bundle", "keygen", "--out", keys.toString(), "--passphrase-env", "SIGNING_PASS", "-o", "json");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("\"encrypted\" : true"), result.out());
        assertFalse((result.out() + result.err()).contains("hunter2"));
        assertTrue(Files.readString(keys.resolve("bundle-signing.key")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        BundleSigningKey.read(keys.resolve("bundle-signing.key"), Secret.fromEnv("hunter2 hunter2", "SIGNING_PASS"));
    }

    @Test
    void anUnsetPassphraseVariableIsBadUsage() {
        CommandRunner.Result result = CommandRunner.run("bundle", "keygen", "--out", dir.toString(), "--passphrase-env", "NOPE");
        assertEquals(2, result.exitCode());
        assertEquals("seed-bootstrap: --passphrase-env NOPE: the environment variable NOPE is not set\n", result.err());
        assertFalse(Files.exists(dir.resolve("bundle-signing.key")));
    }
}
