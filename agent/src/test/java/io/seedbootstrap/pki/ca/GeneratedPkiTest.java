package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One `pki init` (generated site CA, encrypted root keys), judged by the openssl CLI: every
 * certificate verifies, keys match, contract B.2 extensions, chain order, the separation of the
 * two hierarchies, the token's CA hash, file modes and the manifest.
 */
class GeneratedPkiTest {
    static final String PASSPHRASE_VARIABLE = PkiTemplate.PASSPHRASE_VARIABLE;
    static final String PASSPHRASE = PkiTemplate.PASSPHRASE;
    static final List<String> RKE2_CAS = List.of("server-ca", "client-ca", "request-header-ca", "etcd/peer-ca", "etcd/server-ca");

    @TempDir
    static Path work;
    static Path pki;
    static CommandRunner.Result init;

    @BeforeAll
    static void generate() {
        pki = PkiTemplate.pki();
        init = PkiTemplate.initResult();
    }

    @Test
    void everyCertificateVerifiesWithOpensslAgainstItsOwnRoot() throws IOException {
        Path scratch = Files.createTempDirectory(work, "verify");
        for (Path file : certificateFiles()) {
            String relative = pki.relativize(file).toString();
            Path root = pki.resolve(relative.startsWith("cluster/") ? "cluster/root-ca.crt" : "site/root-ca.crt");
            List<String> blocks = Openssl.split(file);
            Path leaf = write(scratch, blocks.get(0));
            List<String> untrusted = new ArrayList<>(blocks.subList(1, blocks.size()));
            untrusted.addAll(Openssl.split(pki.resolve(relative.startsWith("cluster/") ? "cluster/intermediate-ca.crt" : "site/issuing-ca.crt")));
            Path intermediates = write(scratch, String.join("", untrusted));
            String verdict = Openssl.ok("verify", "-CAfile", root.toString(), "-untrusted", intermediates.toString(), leaf.toString());
            assertTrue(verdict.strip().endsWith(": OK"), relative + ": " + verdict);
        }
    }

    @Test
    void everyKeyMatchesTheFirstCertificateOfItsFile() throws IOException {
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (String ca : RKE2_CAS) {
            pairs.put("cluster/server/tls/" + ca + ".key", "cluster/server/tls/" + ca + ".crt");
        }
        pairs.put("cluster/offline/root-ca.key", "cluster/root-ca.crt");
        pairs.put("cluster/offline/intermediate-ca.key", "cluster/intermediate-ca.crt");
        pairs.put("site/offline/root-ca.key", "site/root-ca.crt");
        pairs.put("site/issuing-ca.key", "site/issuing-ca.crt");
        pairs.put("site/certs/rancher.lab.example.internal/tls.key", "site/certs/rancher.lab.example.internal/tls.crt");
        pairs.put("site/certs/argocd.lab.example.internal/tls.key", "site/certs/argocd.lab.example.internal/tls.crt");
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            // the passphrase reaches openssl through its environment, never its arguments
            Openssl.Result key = Openssl.run(Map.of(PASSPHRASE_VARIABLE, PASSPHRASE), null, "pkey", "-in", pki.resolve(pair.getKey()).toString(),
                    "-passin", "env:" + PASSPHRASE_VARIABLE, "-pubout");
            assertEquals(0, key.exitCode(), pair.getKey() + ": " + key.err());
            String certificate = Openssl.ok("x509", "-in", pki.resolve(pair.getValue()).toString(), "-noout", "-pubkey");
            assertEquals(certificate, key.out(), pair.getKey() + " belongs to the first certificate of " + pair.getValue());
        }
        Openssl.ok("rsa", "-in", pki.resolve("cluster/server/tls/service.key").toString(), "-check", "-noout");
    }

    @Test
    void keyTypesAndPemEncodingsAreWhatContractB3Records() throws IOException {
        for (String ca : RKE2_CAS) {
            Path key = pki.resolve("cluster/server/tls/" + ca + ".key");
            assertTrue(Files.readString(key).startsWith("-----BEGIN EC PRIVATE KEY-----"), ca + ".key is SEC1");
            assertTrue(Openssl.ok("ec", "-in", key.toString(), "-noout", "-text").contains("ASN1 OID: prime256v1"), ca + " is P-256");
        }
        Path service = pki.resolve("cluster/server/tls/service.key");
        assertTrue(Files.readString(service).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "service.key is PKCS#1");
        assertTrue(Openssl.ok("rsa", "-in", service.toString(), "-noout", "-text").contains("Private-Key: (2048 bit"), "service.key RSA 2048");
        for (String offline : List.of("cluster/offline/root-ca.key", "cluster/offline/intermediate-ca.key", "site/offline/root-ca.key")) {
            String text = Files.readString(pki.resolve(offline));
            assertTrue(text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), offline + " is encrypted PKCS#8");
            String structure = Openssl.ok("asn1parse", "-in", pki.resolve(offline).toString());
            assertTrue(structure.contains(":PBES2") && structure.contains(":PBKDF2") && structure.contains(":hmacWithSHA256")
                    && structure.contains(":aes-256-cbc"), offline + ": " + structure);
        }
        assertTrue(Openssl.text(pki.resolve("cluster/root-ca.crt")).contains("Public-Key: (2048 bit)"), "rsaKeyBits is honoured");
    }

    @Test
    void clusterCasCarryExactlyTheContractB2Extensions() throws IOException {
        List<String> files = new ArrayList<>(List.of("cluster/root-ca.crt", "cluster/intermediate-ca.crt"));
        RKE2_CAS.forEach(ca -> files.add("cluster/server/tls/" + ca + ".crt"));
        Set<String> serials = new HashSet<>();
        for (String relative : files) {
            Path first = write(Files.createTempDirectory(work, "ext"), Openssl.split(pki.resolve(relative)).get(0));
            String text = Openssl.text(first);
            assertTrue(Pattern.compile("X509v3 Basic Constraints: critical\\s+CA:TRUE\\s*\\n").matcher(text).find(), relative + ": " + text);
            assertTrue(Pattern.compile("X509v3 Key Usage: critical\\s+Digital Signature, Key Encipherment, Certificate Sign\\s*\\n")
                    .matcher(text).find(), relative + " key usage: " + text);
            assertTrue(text.contains("Signature Algorithm: sha256With") || text.contains("Signature Algorithm: ecdsa-with-SHA256"), relative);
            String ski = extension(text, "X509v3 Subject Key Identifier");
            String aki = extension(text, "X509v3 Authority Key Identifier").replace("keyid:", "");
            assertFalse(ski.isEmpty(), relative + " has a subjectKeyIdentifier");
            Path issuer = relative.equals("cluster/root-ca.crt") ? pki.resolve("cluster/root-ca.crt")
                    : relative.equals("cluster/intermediate-ca.crt") ? pki.resolve("cluster/root-ca.crt") : pki.resolve("cluster/intermediate-ca.crt");
            Path issuerFirst = write(Files.createTempDirectory(work, "iss"), Openssl.split(issuer).get(0));
            assertEquals(extension(Openssl.text(issuerFirst), "X509v3 Subject Key Identifier"), aki,
                    relative + ": authorityKeyIdentifier is the issuer's key id only (keyid:always)");
            String serial = Openssl.ok("x509", "-in", first.toString(), "-noout", "-serial").strip();
            assertTrue(serials.add(serial), "serials are random and distinct");
            assertTrue(serial.length() >= "serial=".length() + 30, "16-byte serial: " + serial);
        }
        for (String ca : RKE2_CAS) {
            String subject = Openssl.ok("x509", "-in", pki.resolve("cluster/server/tls/" + ca + ".crt").toString(), "-noout", "-subject");
            assertTrue(subject.contains("CN = rke2-" + ca.replace('/', '-') + "@"), subject);
        }
    }

    @Test
    void chainFilesAreOrderedIssuingCaThenIntermediatesThenRoot() throws IOException {
        Path scratch = Files.createTempDirectory(work, "order");
        String clusterRoot = Openssl.fingerprint(Openssl.split(pki.resolve("cluster/root-ca.crt")).get(0), scratch);
        String intermediate = Openssl.fingerprint(Openssl.split(pki.resolve("cluster/intermediate-ca.crt")).get(0), scratch);
        for (String ca : RKE2_CAS) {
            List<String> chain = Openssl.split(pki.resolve("cluster/server/tls/" + ca + ".crt"));
            assertEquals(3, chain.size(), ca + ".crt: CA, intermediate, root");
            assertEquals(intermediate, Openssl.fingerprint(chain.get(1), scratch), ca + ": second is the intermediate");
            assertEquals(clusterRoot, Openssl.fingerprint(chain.get(2), scratch), ca + ": last is the root");
        }
        String siteRoot = Openssl.fingerprint(Openssl.split(pki.resolve("site/root-ca.crt")).get(0), scratch);
        List<String> issuing = Openssl.split(pki.resolve("site/issuing-ca.crt"));
        assertEquals(2, issuing.size(), "cert-manager tls.crt: issuing CA, then root");
        assertEquals(siteRoot, Openssl.fingerprint(issuing.get(1), scratch));
        assertTrue(Openssl.text(write(scratch, issuing.get(0))).contains("CA:TRUE, pathlen:0"), "the issuing CA signs leaves only");
        List<String> cacerts = Openssl.split(pki.resolve("site/cacerts.pem"));
        assertEquals(List.of(siteRoot), List.of(Openssl.fingerprint(cacerts.get(0), scratch)), "cacerts.pem is the site root alone");
        assertEquals(1, cacerts.size());
        for (String host : List.of("rancher.lab.example.internal", "argocd.lab.example.internal")) {
            List<String> tls = Openssl.split(pki.resolve("site/certs/" + host + "/tls.crt"));
            assertEquals(2, tls.size(), "tls.crt: leaf + issuing CA, no root (contract E.2)");
            assertEquals(Openssl.fingerprint(issuing.get(0), scratch), Openssl.fingerprint(tls.get(1), scratch));
            String text = Openssl.text(write(scratch, tls.get(0)));
            assertTrue(text.contains("DNS:" + host), text);
            assertTrue(text.contains("TLS Web Server Authentication"), text);
            assertTrue(Pattern.compile("X509v3 Basic Constraints: critical\\s+CA:FALSE").matcher(text).find(), text);
        }
    }

    @Test
    void nothingOfTheSiteChainsToTheClusterAndTheClusterSignsOnlyItsFiveCas() throws IOException {
        Path scratch = Files.createTempDirectory(work, "separation");
        Path clusterRoot = pki.resolve("cluster/root-ca.crt");
        Path clusterIntermediate = pki.resolve("cluster/intermediate-ca.crt");
        Path clientCa = pki.resolve("cluster/server/tls/client-ca.crt");
        Set<String> signedByCluster = new HashSet<>();
        Set<String> everything = new HashSet<>();
        for (Path file : certificateFiles()) {
            boolean site = pki.relativize(file).toString().startsWith("site/");
            for (String block : Openssl.split(file)) {
                Path certificate = write(scratch, block);
                String fingerprint = Openssl.fingerprint(block, scratch);
                everything.add(fingerprint);
                boolean chainsToCluster = Openssl.run("verify", "-CAfile", clusterRoot.toString(), "-untrusted", clusterIntermediate.toString(),
                        certificate.toString()).exitCode() == 0;
                if (chainsToCluster) {
                    signedByCluster.add(fingerprint);
                }
                if (site) {
                    assertFalse(chainsToCluster, file + " must not chain to the cluster root");
                    // kube-apiserver's view: everything in client-ca.crt is trusted
                    assertNotEquals(0, Openssl.run("verify", "-partial_chain", "-CAfile", clientCa.toString(), certificate.toString()).exitCode(),
                            file + " must not verify against client-ca.crt");
                }
            }
        }
        Set<String> expected = new HashSet<>();
        expected.add(Openssl.fingerprint(Openssl.split(clusterRoot).get(0), scratch));
        expected.add(Openssl.fingerprint(Openssl.split(clusterIntermediate).get(0), scratch));
        for (String ca : RKE2_CAS) {
            expected.add(Openssl.fingerprint(Openssl.split(pki.resolve("cluster/server/tls/" + ca + ".crt")).get(0), scratch));
        }
        assertEquals(expected, signedByCluster, "only the root, the intermediate and RKE2's five CAs chain to the cluster root");
        assertTrue(everything.size() > expected.size() + 3, "the site hierarchy was inspected too");
    }

    @Test
    void bothTokensCarryTheClusterRootsDerHashComputedIndependently() throws IOException {
        Openssl.Result digest = Openssl.shell("openssl x509 -in '" + pki.resolve("cluster/root-ca.crt") + "' -outform DER | sha256sum");
        String hash = digest.out().split("\\s+")[0];
        assertEquals(64, hash.length(), digest.err());
        Matcher server = Pattern.compile("^K10([0-9a-f]{64})::server:([0-9a-f]{64})\\n$").matcher(Files.readString(pki.resolve("cluster/token")));
        Matcher agent = Pattern.compile("^K10([0-9a-f]{64})::node:([0-9a-f]{64})\\n$").matcher(Files.readString(pki.resolve("cluster/agent-token")));
        assertTrue(server.matches(), "cluster/token is K10<hash>::server:<secret>");
        assertTrue(agent.matches(), "cluster/agent-token is K10<hash>::node:<secret>");
        assertEquals(hash, server.group(1));
        assertEquals(hash, agent.group(1));
        assertNotEquals(server.group(2), agent.group(2), "agents never hold the server token's secret");
        // the hash K3s computes for server-ca.crt (several certificates: the root reached from certs[0]) is the same
        List<String> serverCa = Openssl.split(pki.resolve("cluster/server/tls/server-ca.crt"));
        assertEquals(hash, Openssl.fingerprint(serverCa.get(serverCa.size() - 1), work));
    }

    @Test
    void directoriesAre0700AndKeysAndTokens0600() throws IOException {
        try (Stream<Path> walk = Files.walk(pki)) {
            for (Path path : walk.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                String name = path.getFileName().toString();
                if (Files.isDirectory(path)) {
                    assertEquals("rwx------", mode, path + " is 0700");
                } else if (name.endsWith(".key") || name.equals("token") || name.equals("agent-token")) {
                    assertEquals("rw-------", mode, path + " is 0600");
                } else {
                    assertEquals("rw-r--r--", mode, path + " is 0644");
                }
            }
        }
    }

    @Test
    void manifestListsEveryFileWithKindAndOpensslFingerprint() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(pki.resolve("manifest.json").toFile());
        assertEquals(1, manifest.get("formatVersion").asInt());
        assertEquals("generate", manifest.get("siteSource").asText());
        Set<String> listed = new HashSet<>();
        for (JsonNode entry : manifest.get("files")) {
            String path = entry.get("path").asText();
            listed.add(path);
            assertTrue(entry.hasNonNull("kind") && entry.hasNonNull("mode"), path);
            if (path.endsWith(".crt") || path.endsWith(".pem")) {
                assertEquals(Openssl.fingerprint(Openssl.split(pki.resolve(path)).get(0), work), entry.get("fingerprint").asText(), path);
                assertTrue(entry.hasNonNull("notAfter"), path);
            }
            if (entry.get("kind").asText().endsWith("token")) {
                assertFalse(entry.has("fingerprint"), "nothing derived from a token secret is recorded");
            }
        }
        try (Stream<Path> walk = Files.walk(pki)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = pki.relativize(file).toString();
                if (!relative.equals("manifest.json")) {
                    assertTrue(listed.contains(relative), "manifest lists " + relative);
                }
            }
        }
        assertEquals("cluster-root-ca", kindOf(manifest, "cluster/root-ca.crt"));
        assertEquals("rke2-etcd-peer-ca-key", kindOf(manifest, "cluster/server/tls/etcd/peer-ca.key"));
        assertEquals("rancher-tls", kindOf(manifest, "site/certs/rancher.lab.example.internal/tls.crt"));
        assertEquals("agent-token", kindOf(manifest, "cluster/agent-token"));
    }

    @Test
    void theOutputSaysToMoveTheRootKeysOfflineAndShowsNoSecret() throws IOException {
        assertTrue(init.out().contains("NEXT: Move the root and intermediate keys off this machine"), init.out());
        assertTrue(init.out().contains("cluster/offline/root-ca.key"), init.out());
        String everything = init.out() + init.err();
        assertFalse(everything.contains(PASSPHRASE));
        for (String token : List.of("cluster/token", "cluster/agent-token")) {
            String secret = Files.readString(pki.resolve(token)).strip().replaceAll("^.*:", "");
            assertFalse(everything.contains(secret), token + "'s secret is never printed");
        }
    }

    private static String kindOf(JsonNode manifest, String path) {
        for (JsonNode entry : manifest.get("files")) {
            if (entry.get("path").asText().equals(path)) {
                return entry.get("kind").asText();
            }
        }
        return null;
    }

    private static String extension(String text, String name) {
        Matcher matcher = Pattern.compile(Pattern.quote(name) + ":\\s*\\n\\s*([^\\n]+)").matcher(text);
        return matcher.find() ? matcher.group(1).strip() : "";
    }

    static List<Path> certificateFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(pki)) {
            return walk.filter(p -> p.toString().endsWith(".crt") || p.toString().endsWith(".pem")).sorted().toList();
        }
    }

    private static Path write(Path scratch, String text) throws IOException {
        Path file = Files.createTempFile(scratch, "pem", ".pem");
        Files.writeString(file, text);
        return file;
    }
}
