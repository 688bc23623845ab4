package io.seedbootstrap.pki.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleSigningKeyTest {
    @TempDir
    Path dir;

    @Test
    void writesA0600Pkcs8KeyAndReadsItBackWithTheSameFingerprint() throws Exception {
        BundleSigningKey key = BundleSigningKey.generate();
        BundleSigningKey.Written written = key.write(dir, null, false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written.privateKeyFile())));
        assertTrue(Files.readString(written.privateKeyFile()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(written.publicKeyFile()).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertTrue(key.fingerprint().matches("^SHA256:[A-Za-z0-9+/]{43}$"), key.fingerprint());

        BundleSigningKey read = BundleSigningKey.read(written.privateKeyFile(), null);
        assertEquals(key.fingerprint(), read.fingerprint());
        assertEquals(key.fingerprint(), Signatures.fingerprint(BundleSigningKey.readPublic(written.publicKeyFile())));
        byte[] data = "manifest bytes".getBytes(StandardCharsets.UTF_8);
        assertTrue(Signatures.verify(key.publicKey(), data, Signatures.sign(read.privateKey(), data)));
        assertFalse(key.toString().contains("PRIVATE"), "toString carries no key material");
    }

    @Test
    void signaturesDoNotVerifyForOtherBytesOtherKeysOrGarbage() {
        BundleSigningKey key = BundleSigningKey.generate();
        BundleSigningKey other = BundleSigningKey.generate();
        byte[] data = "{\"format\":\"seed-bootstrap-bundle/v1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] signature = Signatures.sign(key.privateKey(), data);
        byte[] changed = data.clone();
        changed[3] ^= 1;
        assertFalse(Signatures.verify(key.publicKey(), changed, signature));
        assertFalse(Signatures.verify(other.publicKey(), data, signature));
        assertFalse(Signatures.verify(key.publicKey(), data, new byte[] {1, 2, 3}));
    }

    @Test
    void encryptedKeysNeedTheirPassphrase() throws Exception {
        BundleSigningKey key = BundleSigningKey.generate();
        Path file = key.write(dir, Secret.fromEnv("correct horse", "PASS"), false).privateKeyFile();
        assertTrue(Files.readString(file).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        assertEquals(file + " is encrypted; give its passphrase through an environment variable with --passphrase-env NAME",
                assertThrows(SeedException.class, () -> BundleSigningKey.read(file, null)).getMessage());
        assertEquals(file + ": wrong passphrase (or a damaged key file)",
                assertThrows(SeedException.class, () -> BundleSigningKey.read(file, Secret.fromEnv("wrong", "PASS"))).getMessage());
        assertEquals(key.fingerprint(), BundleSigningKey.read(file, Secret.fromEnv("correct horse", "PASS")).fingerprint());
    }

    @Test
    void anEncryptedFileThatDecryptsToNoKeyIsAWrongPassphrase() throws Exception {
        // what a wrong passphrase leaves about once in 256 tries: padding that checks out around bytes that are no key
        Path file = dir.resolve("decrypts-to-garbage.key");
        Files.writeString(file, BundleSigningKey.pem("ENCRYPTED PRIVATE KEY",
                BundleSigningKey.encrypt("not a PKCS#8 key".getBytes(StandardCharsets.US_ASCII), Secret.fromEnv("pass", "PASS"))));
        assertEquals(file + ": wrong passphrase (or a damaged key file)",
                assertThrows(SeedException.class, () -> BundleSigningKey.read(file, Secret.fromEnv("pass", "PASS"))).getMessage());
    }

    @Test
    void refusesToReplaceAnExistingKey() {
        BundleSigningKey.generate().write(dir, null, false);
        SeedException e = assertThrows(SeedException.class, () -> BundleSigningKey.generate().write(dir, null, false));
        assertEquals(dir.resolve("bundle-signing.key") + " already exists; keep the key you have (its fingerprint is pinned in "
                + "inventories) or add --force to replace it", e.getMessage());
    }

    @Test
    void refusesKeysThatAreNotEd25519() throws Exception {
        assumeTrue(openssl());
        Path ec = dir.resolve("ec.key");
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec.toString());
        assertEquals(ec + ": not an Ed25519 private key; bundle-signing keys are Ed25519 (`seed-bootstrap bundle keygen`)",
                assertThrows(SeedException.class, () -> BundleSigningKey.read(ec, null)).getMessage());
    }

    /** Interoperability both ways with openssl, and the documented way to compute the fingerprint. */
    @Test
    void opensslReadsOurKeysAndWeReadOpensslKeys() throws Exception {
        assumeTrue(openssl());
        BundleSigningKey key = BundleSigningKey.generate();
        BundleSigningKey.Written written = key.write(dir, Secret.fromEnv("s3cret pass", "PASS"), false);
        String fromOpenssl = run("sh", "-c", "openssl pkey -in " + written.privateKeyFile() + " -passin pass:'s3cret pass' -pubout"
                + " | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64 | tr -d '='").strip();
        assertEquals(key.fingerprint(), "SHA256:" + fromOpenssl);
        String documented = run("sh", "-c", "openssl pkey -pubin -in " + written.publicKeyFile()
                + " -outform DER | openssl dgst -sha256 -binary | base64 | tr -d '='").strip();
        assertEquals(key.fingerprint(), "SHA256:" + documented);

        Path theirs = dir.resolve("openssl.key");
        run("openssl", "genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:their pass", "-out", theirs.toString());
        String theirPublic = run("sh", "-c", "openssl pkey -in " + theirs + " -passin 'pass:their pass' -pubout");
        Path theirPublicFile = dir.resolve("openssl.pub");
        Files.writeString(theirPublicFile, theirPublic);
        BundleSigningKey read = BundleSigningKey.read(theirs, Secret.fromEnv("their pass", "PASS"));
        assertEquals(Signatures.fingerprint(BundleSigningKey.readPublic(theirPublicFile)), read.fingerprint());
    }

    static boolean openssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
        return output;
    }
}
