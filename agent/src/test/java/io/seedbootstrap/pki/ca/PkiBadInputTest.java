package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs give one clear error naming the file and what to do, with exit code 2 and nothing on stdout. */
class PkiBadInputTest {
    @TempDir
    Path work;

    @Test
    void anImportedKeyThatDoesNotMatchItsCertificate() throws IOException {
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] intermediate = ca.issue("Site CA", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign");
        Path[] other = ca.issue("Other CA", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign");
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), intermediate[0], ca.rootCert);
        CommandRunner.Result result = initWithImport(chain, other[1], Map.of());
        assertOneError(result, other[1] + " does not match the first certificate of " + chain, "set pki.site.keyFile to that certificate's key");
    }

    @Test
    void anExpiredImport() throws IOException {
        Instant past = Instant.now().minus(Duration.ofDays(400));
        CertificateIssuer issuer = new CertificateIssuer(Clock.fixed(past, ZoneOffset.UTC), new SecureRandom());
        KeyPair keys = Crypto.ecP256(new SecureRandom());
        X509Certificate expired = issuer.selfSignedCa(Subjects.of("Old Root", null, "Enterprise"), keys, 30, CaProfile.SITE_ROOT);
        Path certificate = Files.writeString(work.resolve("old.crt"), Pem.certificates(List.of(expired)));
        Path key = Files.writeString(work.resolve("old.key"), Pem.traditional(keys.getPrivate(), keys.getPublic()));
        assertOneError(initWithImport(certificate, key, Map.of()), certificate + ": \"CN=Old Root,O=Enterprise\" expired on",
                "give a CA certificate that is valid now");
    }

    @Test
    void aCertificateThatIsNotACa() throws IOException {
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] leaf = ca.issue("www.example.internal", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature");
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), leaf[0], ca.rootCert);
        assertOneError(initWithImport(chain, leaf[1], Map.of()), chain + ": \"CN=www.example.internal,O=Enterprise\" is not a CA",
                "the site CA must be a CA certificate");
    }

    @Test
    void aCaThatMayNotSignCertificates() throws IOException {
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] crlOnly = ca.issue("CRL signer", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,cRLSign");
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), crlOnly[0], ca.rootCert);
        assertOneError(initWithImport(chain, crlOnly[1], Map.of()), "may not sign certificates (keyUsage lacks keyCertSign)", chain.toString());
    }

    @Test
    void aChainOutOfOrderAndAChainWithoutItsRoot() throws IOException {
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] intermediate = ca.issue("Site CA", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign");
        Path reversed = ExternalCa.concat(work.resolve("reversed.pem"), ca.rootCert, intermediate[0]);
        assertOneError(initWithImport(reversed, intermediate[1], Map.of()), reversed.toString(), "does not match the first certificate");
        Path ordered = ExternalCa.concat(work.resolve("swapped.pem"), intermediate[0], ca.rootCert, intermediate[0]);
        assertOneError(initWithImport(ordered, intermediate[1], Map.of()), "not in chain order", "put the issuing CA first");
        assertOneError(initWithImport(intermediate[0], intermediate[1], Map.of()),
                intermediate[0] + " ends with \"CN=Site CA,O=Enterprise\", which is not a self-signed root", "append the certificates that signed it");
    }

    @Test
    void aWrongPassphraseForAnImportedKeyAndNoPassphraseAtAll() throws IOException {
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] intermediate = ca.issue("Site CA", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign");
        Path encrypted = work.resolve("encrypted.key");
        Openssl.Result result = Openssl.run(Map.of("P", "the-right-one"), null, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
                intermediate[1].toString(), "-out", encrypted.toString(), "-passout", "env:P");
        assertEquals(0, result.exitCode(), result.err());
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), intermediate[0], ca.rootCert);
        CommandRunner.Result wrong = initWithImport(chain, encrypted, Map.of("SEED_SITE_KEY_PASSPHRASE", "not-the-right-one"));
        assertOneError(wrong, "wrong passphrase for " + encrypted + ": the passphrase from $SEED_SITE_KEY_PASSPHRASE (pki.site.keyPassphrase)",
                "set the right one");
        assertFalse(wrong.err().contains("not-the-right-one"), "the passphrase itself is never printed");
        Path inventory = new TestInventory().site("source: import\ncertFile: " + chain + "\nkeyFile: " + encrypted).write(work);
        assertOneError(CommandRunner.run("pki", "init", inventory.toString()), encrypted + " is encrypted; set pki.site.keyPassphrase",
                "${ENV_VAR}");
        CommandRunner.Result right = initWithImport(chain, encrypted, Map.of("SEED_SITE_KEY_PASSPHRASE", "the-right-one"));
        assertEquals(0, right.exitCode(), right.err());
    }

    @Test
    void aWrongPassphraseForTheClusterKeysWhenSomethingMustBeSigned() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.crt"));
        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.key"));
        Path inventory = new TestInventory().passphrase("SEED_ROOT_KEY_PASSPHRASE").write(work);
        CommandRunner.Result wrong = CommandRunner.run(Map.of("SEED_ROOT_KEY_PASSPHRASE", "guess"), work, "pki", "init", inventory.toString());
        assertOneError(wrong, "wrong passphrase for " + pki.resolve("cluster/offline/intermediate-ca.key").toAbsolutePath(),
                "$SEED_ROOT_KEY_PASSPHRASE (pki.rootKeyPassphrase)");
        assertFalse(Files.exists(pki.resolve("cluster/server/tls/etcd/peer-ca.crt")), "nothing written after the refusal");
        Path noPassphrase = new TestInventory().write(work);
        assertOneError(CommandRunner.run("pki", "init", noPassphrase.toString()),
                pki.resolve("cluster/offline/intermediate-ca.key") + " is encrypted; set pki.rootKeyPassphrase", "as ${ENV_VAR}");
    }

    @Test
    void theClusterHierarchyImportedAsTheSiteCa() throws IOException {
        Path pki = PkiTemplate.copyCluster(work);
        Path plainKey = work.resolve("intermediate.key");
        Openssl.Result decrypted = Openssl.run(PkiTemplate.ENVIRONMENT, null, "pkey", "-in", pki.resolve("cluster/offline/intermediate-ca.key").toString(),
                "-passin", "env:" + PkiTemplate.PASSPHRASE_VARIABLE, "-out", plainKey.toString());
        assertEquals(0, decrypted.exitCode(), decrypted.err());
        Path certificate = pki.resolve("cluster/intermediate-ca.crt");
        assertOneError(initWithImport(certificate, plainKey, Map.of()), certificate + " contains \"CN=seed-lab cluster intermediate CA",
                "of this cluster's own hierarchy, which signs only RKE2's CAs");
    }

    @Test
    void aDirectoryThatCannotBeWritten() throws IOException {
        Files.writeString(work.resolve("blocker"), "a file, not a directory\n");
        TestInventory below = new TestInventory();
        below.dir = "./blocker/pki";
        assertOneError(CommandRunner.run("pki", "init", below.write(work).toString()), work.resolve("blocker") + " exists but is not a directory",
                "point pki.dir at a directory");
        TestInventory itself = new TestInventory();
        itself.dir = "./blocker";
        assertOneError(CommandRunner.run("pki", "init", itself.write(work).toString()), work.resolve("blocker") + " exists but is not a directory",
                "point pki.dir at a directory");
        assertOneError(CommandRunner.run("pki", "show", work.resolve("no-such-pki").toString()), "no such file", "inventory");
    }

    @Test
    void aHostNameThatCannotBeACertificateName() throws IOException {
        TestInventory inventory = new TestInventory();
        inventory.rancherHost = "rancher_lab.example.internal";
        CommandRunner.Result result = CommandRunner.run("pki", "init", inventory.write(work).toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("apps.rancher.hostname: \"rancher_lab.example.internal\" is not an RFC 1123 host name"), result.err());
        assertFalse(Files.exists(work.resolve("pki")), "nothing generated");
    }

    @Test
    void anRsaKeySizeThatIsNotOffered() throws IOException {
        Path inventory = new TestInventory().write(work);
        Files.writeString(inventory, Files.readString(inventory).replace("rsaKeyBits: 2048", "rsaKeyBits: 2500"));
        CommandRunner.Result result = CommandRunner.run("pki", "init", inventory.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("pki.rsaKeyBits: 2500 is not a supported RSA key size; use 4096 (the default), 3072 or 2048"),
                result.err());
    }

    @Test
    void aSiteSourceThatNoLongerMatchesTheDirectory() throws IOException {
        PkiTemplate.copyAll(work);
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] intermediate = ca.issue("Site CA", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign");
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), intermediate[0], ca.rootCert);
        assertOneError(initWithImport(chain, intermediate[1], Map.of()), "holds a site CA made with pki.site.source generate, but the inventory "
                + "says import", "run pki init --force to replace the site CA");
        Path inventory = new TestInventory().write(work);
        assertOneError(CommandRunner.run("pki", "import-signed", inventory.toString(), chain.toString()), "pki.site.source is generate",
                "import-signed is for source csr");
    }

    private CommandRunner.Result initWithImport(Path certificate, Path key, Map<String, String> environment) throws IOException {
        String site = "source: import\ncertFile: " + certificate + "\nkeyFile: " + key
                + (environment.containsKey("SEED_SITE_KEY_PASSPHRASE") ? "\nkeyPassphrase: ${SEED_SITE_KEY_PASSPHRASE}" : "");
        if (!Files.exists(work.resolve("pki"))) {
            PkiTemplate.copyCluster(work);
        }
        Path inventory = new TestInventory().site(site).write(work);
        return CommandRunner.run(environment, work, "pki", "init", inventory.toString());
    }

    /** Exit 2, nothing on stdout, one error line on stderr holding every fragment. */
    static void assertOneError(CommandRunner.Result result, String... fragments) {
        assertEquals(2, result.exitCode(), result.out() + result.err());
        String errors = result.err().lines().filter(l -> l.startsWith("seed-bootstrap:")).reduce("", (a, b) -> a + b + "\n");
        assertEquals(1, errors.lines().count(), "one error: " + result.err());
        for (String fragment : fragments) {
            assertTrue(errors.contains(fragment), "error should contain \"" + fragment + "\": " + errors);
        }
        assertFalse(result.err().contains("\tat io.seedbootstrap"), "no stack trace");
        assertEquals("", result.out().replaceAll("(?m)^pki: .*\\n", ""), "nothing on stdout: " + result.out());
    }
}
