package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pki init / show / import-signed through the real command line, with captured stdout and stderr. */
class PkiCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void initJsonIsOneDocumentOnStdoutWithActionsAndManifest() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        TestInventory inventory = new TestInventory();
        inventory.argocdHost = "gitops.lab.example.internal";
        CommandRunner.Result result = CommandRunner.run(Map.of(), work, "pki", "init", "-o", "json", inventory.write(work).toString());
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = JSON.readTree(result.out());
        assertEquals(pki.toString(), report.get("dir").asText());
        assertEquals(JoinToken.caHash(Pem.certificates(pki.resolve("cluster/root-ca.crt")).get(0)), report.get("clusterRootFingerprint").asText());
        assertTrue(report.get("actions").toString().contains("{\"path\":\"site/certs/gitops.lab.example.internal/tls.crt\",\"action\":\"created\""),
                report.get("actions").toString());
        assertTrue(report.get("manifest").get("files").size() > 25);
        assertTrue(report.get("notes").get(0).asText().startsWith("Move the root and intermediate keys off this machine"));
        assertNoSecret(pki, result);
    }

    @Test
    void showListsEveryCertificateAndPassesOnAFreshDirectory() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Path inventory = new TestInventory().passphrase(PkiTemplate.PASSPHRASE_VARIABLE).write(work);
        CommandRunner.Result result = CommandRunner.run(PkiTemplate.ENVIRONMENT, work, "pki", "show", inventory.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        String out = result.out();
        assertTrue(out.contains("site/certs/rancher.lab.example.internal/tls.crt  [rancher-tls]"), out);
        assertTrue(out.contains("SANs      DNS:rancher.lab.example.internal"), out);
        assertTrue(out.contains("issuer    CN=Example Corp site issuing CA,O=Example Corp"), out);
        String serverCa = Crypto.fingerprint(Pem.certificates(pki.resolve("cluster/server/tls/server-ca.crt")).get(0));
        assertTrue(out.contains("sha256    " + serverCa), out);
        assertTrue(out.contains("cluster/offline/root-ca.key"), out);
        assertTrue(out.contains("matches cluster/root-ca.crt"), "with the passphrase, encrypted keys are checked too: " + out);
        assertTrue(out.contains("cluster/token  0600, user server, CA hash = cluster root"), out);
        assertTrue(out.contains("warning: cluster/offline/root-ca.key: a root or intermediate key is on this machine; move it offline"), out);
        assertTrue(out.contains(", 0 errors, 3 warnings"), out);
        assertNoSecret(pki, result);

        CommandRunner.Result strict = CommandRunner.run(Map.of(), work, "pki", "show", "--strict", pki.toString());
        assertEquals(1, strict.exitCode(), "--strict fails on the warnings");
        assertTrue(strict.err().contains("seed-bootstrap: pki show: 0 errors, 3 warnings (--strict) in " + pki), strict.err());
    }

    @Test
    void showJsonCarriesFingerprintsExpiryAndFindings() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        CommandRunner.Result result = CommandRunner.run("pki", "show", "--output", "json", pki.toString());
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = JSON.readTree(result.out());
        assertEquals("seed-lab", report.get("cluster").asText());
        assertEquals(90, report.get("expiryWarningDays").asInt());
        JsonNode rancher = null;
        for (JsonNode certificate : report.get("certificates")) {
            if (certificate.get("kind").asText().equals("rancher-tls")) {
                rancher = certificate;
            }
        }
        assertTrue(rancher != null, result.out());
        assertEquals("DNS:rancher.lab.example.internal", rancher.get("certificate").get("subjectAltNames").get(0).asText());
        assertEquals(Crypto.fingerprint(Pem.certificates(pki.resolve("site/certs/rancher.lab.example.internal/tls.crt")).get(0)),
                rancher.get("certificate").get("fingerprint").asText());
        assertTrue(rancher.get("certificate").get("daysLeft").asInt() > 800);
        assertEquals(Crypto.fingerprint(Pem.certificates(pki.resolve("site/root-ca.crt")).get(0)), rancher.get("verifiedRootFingerprint").asText());
        assertEquals(2, report.get("tokens").size());
        assertTrue(report.get("findings").toString().contains("\"severity\":\"info\""), report.get("findings").toString());
        assertNoSecret(pki, result);
    }

    @Test
    void showFailsOnAKeyThatDoesNotMatchAndOnSiteTrustSignedByTheCluster() throws Exception {
        Path pki = PkiTemplate.copyAll(work);
        Files.copy(pki.resolve("cluster/server/tls/client-ca.key"), pki.resolve("cluster/server/tls/server-ca.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // a site issuing CA wrongly signed by the cluster intermediate: kube-apiserver would trust whatever it signs
        PrivateKey intermediateKey = Pem.privateKey(pki.resolve("cluster/offline/intermediate-ca.key"),
                io.seedbootstrap.support.Secret.literal(PkiTemplate.PASSPHRASE), "test");
        List<X509Certificate> intermediate = Pem.certificates(pki.resolve("cluster/intermediate-ca.crt"));
        KeyPair keys = Crypto.ecP256(new SecureRandom());
        X509Certificate rogue = new CertificateIssuer(Clock.systemUTC(), new SecureRandom()).ca(Subjects.of("rogue site CA", null, "Example Corp"),
                keys.getPublic(), new CaMaterial(intermediate, intermediateKey), 100, CaProfile.SITE_ISSUING);
        List<X509Certificate> chain = new ArrayList<>(List.of(rogue));
        chain.addAll(intermediate);
        Files.writeString(pki.resolve("site/issuing-ca.crt"), Pem.certificates(chain));
        Files.writeString(pki.resolve("site/issuing-ca.key"), Pem.traditional(keys.getPrivate(), keys.getPublic()));

        CommandRunner.Result result = CommandRunner.run("pki", "show", pki.toString());
        assertEquals(1, result.exitCode(), result.out());
        String out = result.out();
        assertTrue(out.contains("error: cluster/server/tls/server-ca.key: does not match cluster/server/tls/server-ca.crt"), out);
        assertTrue(out.contains("error: site/issuing-ca.crt: site trust chains to the cluster hierarchy"), out);
        assertTrue(out.contains("error: site/issuing-ca.crt: \"CN=rogue site CA,O=Example Corp\" is signed by the cluster intermediate but is "
                + "not one of RKE2's five CAs"), out);
        assertTrue(out.contains("changed since manifest.json recorded it"), out);
        assertTrue(result.err().startsWith("seed-bootstrap: pki show: "), result.err());
    }

    @Test
    void showWarnsBelowTheExpiryThresholdAndFailsOnlyWithStrict() throws IOException {
        Path pki = PkiTemplate.copyCluster(work);
        PkiTemplate.delete(pki.resolve("cluster/offline"));
        TestInventory inventory = new TestInventory();
        inventory.leafDays = 30;
        Path file = inventory.write(work);
        assertEquals(0, CommandRunner.run("pki", "init", file.toString()).exitCode());
        PkiTemplate.delete(pki.resolve("site/offline"));
        CommandRunner.Result relaxed = CommandRunner.run("pki", "show", file.toString());
        assertEquals(0, relaxed.exitCode(), relaxed.out());
        assertTrue(relaxed.out().contains("warning: site/certs/rancher.lab.example.internal/tls.crt: expires in 29 days"), relaxed.out());
        CommandRunner.Result strict = CommandRunner.run("pki", "show", "--strict", file.toString());
        assertEquals(1, strict.exitCode());
        assertTrue(strict.err().contains("0 errors, 2 warnings (--strict)"), strict.err());
        assertEquals(0, CommandRunner.run("pki", "show", "--strict", "--expiry-warning-days", "10", file.toString()).exitCode());
    }

    @Test
    void csrThenImportSignedInstallsTheExternalCaAndIssuesTheLeaves() throws IOException {
        Path pki = PkiTemplate.copyCluster(work);
        Path inventory = new TestInventory().site("source: csr").write(work);
        CommandRunner.Result init = CommandRunner.run("pki", "init", inventory.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertTrue(init.out().contains("NEXT: The site CA is waiting for its certificate: send site/issuing-ca.csr to your CA"), init.out());
        assertFalse(Files.exists(pki.resolve("site/certs")), "no leaf before the answer");
        Path csr = pki.resolve("site/issuing-ca.csr");
        assertTrue(Openssl.ok("req", "-in", csr.toString(), "-noout", "-verify", "-text").contains("CA:TRUE, pathlen:0"));
        CommandRunner.Result pending = CommandRunner.run("pki", "show", inventory.toString());
        assertTrue(pending.out().contains("info: site/issuing-ca.csr: the site CA waits for the external CA's answer"), pending.out());

        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path signed = work.resolve("ext/issuing.crt");
        ca.sign(csr, signed, "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        Path answer = ExternalCa.concat(work.resolve("answer.pem"), signed, ca.rootCert);
        CommandRunner.Result imported = CommandRunner.run("pki", "import-signed", inventory.toString(), answer.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("created  site/certs/rancher.lab.example.internal/tls.crt"), imported.out());
        assertEquals(Files.readString(ca.rootCert).strip(), Files.readString(pki.resolve("site/cacerts.pem")).strip());
        for (String host : List.of("rancher.lab.example.internal", "argocd.lab.example.internal")) {
            Path leaf = pki.resolve("site/certs/" + host + "/tls.crt");
            assertTrue(Openssl.ok("verify", "-CAfile", ca.rootCert.toString(), "-untrusted", leaf.toString(), leaf.toString()).contains(": OK"));
        }
        CommandRunner.Result show = CommandRunner.run("pki", "show", inventory.toString());
        assertTrue(show.out().contains(", 0 errors,"), show.out());
        CommandRunner.Result again = CommandRunner.run("pki", "init", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(again.out().contains("NEXT: The site CA is waiting"), again.out());
    }

    @Test
    void importUsesTheEnterpriseCaAndItsChain() throws IOException {
        Path pki = PkiTemplate.copyCluster(work);
        ExternalCa ca = ExternalCa.create(work.resolve("ext"));
        Path[] intermediate = ca.issue("Site CA", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign");
        Path chain = ExternalCa.concat(work.resolve("chain.pem"), intermediate[0], ca.rootCert);
        Path inventory = new TestInventory().site("source: import\ncertFile: ./chain.pem\nkeyFile: ./ext/Site CA.key").write(work);
        CommandRunner.Result result = CommandRunner.run("pki", "init", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(Files.readString(chain), Files.readString(pki.resolve("site/issuing-ca.crt")), "cert-manager tls.crt: issuing CA, then root");
        assertEquals(Files.readString(ca.rootCert), Files.readString(pki.resolve("site/cacerts.pem")));
        List<String> tls = Openssl.split(pki.resolve("site/certs/rancher.lab.example.internal/tls.crt"));
        assertEquals(2, tls.size());
        assertEquals(Openssl.split(intermediate[0]).get(0), tls.get(1), "tls.crt: leaf, then the imported issuing CA");
        Path leaf = pki.resolve("site/certs/rancher.lab.example.internal/tls.crt");
        assertTrue(Openssl.ok("verify", "-CAfile", ca.rootCert.toString(), "-untrusted", leaf.toString(), leaf.toString()).contains(": OK"));
        assertEquals(Openssl.ok("pkey", "-in", intermediate[1].toString(), "-pubout"),
                Openssl.ok("pkey", "-in", pki.resolve("site/issuing-ca.key").toString(), "-pubout"));
        CommandRunner.Result again = CommandRunner.run("pki", "init", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(again.out().contains("created"), again.out());
    }

    @Test
    void askingForThePassphraseNeedsATerminal() throws IOException {
        CommandRunner.Result result = CommandRunner.run("pki", "init", "--ask-root-key-passphrase", new TestInventory().write(work).toString());
        PkiBadInputTest.assertOneError(result, "--ask-root-key-passphrase needs a terminal; without one set pki.rootKeyPassphrase");
        assertFalse(Files.exists(work.resolve("pki")), "nothing written");
    }

    @Test
    void pkiNeedsASubcommand() {
        CommandRunner.Result result = CommandRunner.run("pki");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("a subcommand is required: init, show or import-signed"), result.err());
    }

    /** Neither token secret nor the passphrase appears anywhere in the command's output. */
    private static void assertNoSecret(Path pki, CommandRunner.Result result) throws IOException {
        String everything = result.out() + result.err();
        assertFalse(everything.contains(PkiTemplate.PASSPHRASE));
        for (String token : List.of("cluster/token", "cluster/agent-token")) {
            String text = Files.readString(pki.resolve(token)).strip();
            assertFalse(everything.contains(text.substring(text.lastIndexOf(':') + 1)), token + " secret leaked");
        }
    }
}
