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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-runs keep every existing CA, fill in what is missing, and only --force starts anew. */
class PkiRerunTest {
    @TempDir
    Path work;

    @Test
    void aRerunChangesNoExistingFile() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Map<String, String> before = snapshot(pki);
        CommandRunner.Result result = init(new TestInventory());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(before, snapshot(pki), "same bytes in every file (manifest aside)");
        assertFalse(result.out().contains("created"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  kept     \\d+ existing files unchanged\\n.*"), result.out());
        assertFalse(result.out().matches("(?s).*\\n  (created|renewed|updated) .*"), result.out());
    }

    @Test
    void anExistingDirectoryKeepsItsModeAndOneOthersCanWriteIsRefused() throws Exception {
        Path pki = PkiTemplate.copyAll(work);
        Path cluster = pki.resolve("cluster");
        chmod("750", pki);
        chmod("755", cluster);
        CommandRunner.Result result = init(new TestInventory());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pki)),
                "pki init never changes the mode of a directory it did not create");
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster)));

        // a sticky world-writable directory (like /tmp) and a group-writable one: refused as they are, nothing written
        for (String mode : new String[] {"1777", "770"}) {
            chmod(mode, pki);
            Map<String, String> before = snapshot(pki);
            CommandRunner.Result refused = init(new TestInventory());
            PkiBadInputTest.assertOneError(refused, pki + " is writable by", "(mode " + (mode.length() == 3 ? "0" + mode : mode) + ")",
                    "chmod go-w");
            assertEquals(mode.length() == 3 ? "0" + mode : mode, unixMode(pki), "the mode is left alone");
            assertEquals(before, snapshot(pki));
        }
    }

    private static void chmod(String mode, Path path) throws Exception {
        assertEquals(0, new ProcessBuilder("chmod", mode, path.toString()).inheritIO().start().waitFor());
    }

    private static String unixMode(Path path) throws IOException {
        return String.format("%04o", ((Integer) Files.getAttribute(path, "unix:mode")) & 07777);
    }

    @Test
    void aNewHostNameGetsItsCertificateAndNothingElseChanges() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Map<String, String> before = snapshot(pki);
        TestInventory inventory = new TestInventory();
        inventory.argocdHost = "gitops.lab.example.internal";
        CommandRunner.Result result = init(inventory);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("created  site/certs/gitops.lab.example.internal/tls.crt"), result.out());
        Map<String, String> after = snapshot(pki);
        after.keySet().removeIf(path -> path.startsWith("site/certs/gitops.lab.example.internal/"));
        assertEquals(before, after, "only the new certificate was added");
        Path leaf = pki.resolve("site/certs/gitops.lab.example.internal/tls.crt");
        assertTrue(Openssl.ok("verify", "-CAfile", pki.resolve("site/root-ca.crt").toString(), "-untrusted", leaf.toString(), leaf.toString())
                .contains(": OK"));
        assertTrue(Openssl.text(leaf).contains("DNS:gitops.lab.example.internal"));
    }

    @Test
    void rootKeysMovedOfflineAreNeededOnlyWhenSomethingMustBeSigned() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        PkiTemplate.delete(pki.resolve("cluster/offline"));
        PkiTemplate.delete(pki.resolve("site/offline"));
        CommandRunner.Result kept = init(new TestInventory());
        assertEquals(0, kept.exitCode(), kept.err());
        assertFalse(kept.out().contains("NEXT: Move the root"), "nothing left to move");
        JsonNode manifest = new ObjectMapper().readTree(pki.resolve("manifest.json").toFile());
        assertTrue(manifest.toString().contains("{\"path\":\"cluster/offline/root-ca.key\",\"kind\":\"cluster-root-ca-key\",\"mode\":\"0600\","),
                "the offline key stays listed: " + manifest);
        assertTrue(manifest.toString().contains("\"present\":false"), manifest.toString());

        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.crt"));
        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.key"));
        PkiBadInputTest.assertOneError(init(new TestInventory()), "signing the RKE2 etcd/peer-ca needs the key "
                + pki.resolve("cluster/offline/intermediate-ca.key") + ", which is not there (moved offline?); put it back for this run");
    }

    @Test
    void aDeletedRke2CaIsIssuedAgainByTheIntermediate() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Map<String, String> before = snapshot(pki);
        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.crt"));
        Files.delete(pki.resolve("cluster/server/tls/etcd/peer-ca.key"));
        CommandRunner.Result result = CommandRunner.run(PkiTemplate.ENVIRONMENT, work, "pki", "init",
                new TestInventory().passphrase(PkiTemplate.PASSPHRASE_VARIABLE).write(work).toString());
        assertEquals(0, result.exitCode(), result.err());
        Map<String, String> after = snapshot(pki);
        assertNotEquals(before.get("cluster/server/tls/etcd/peer-ca.crt"), after.get("cluster/server/tls/etcd/peer-ca.crt"));
        before.keySet().removeIf(p -> p.startsWith("cluster/server/tls/etcd/peer-ca."));
        after.keySet().removeIf(p -> p.startsWith("cluster/server/tls/etcd/peer-ca."));
        assertEquals(before, after, "the other CAs and the tokens are untouched");
        Path peer = pki.resolve("cluster/server/tls/etcd/peer-ca.crt");
        assertTrue(Openssl.ok("verify", "-CAfile", pki.resolve("cluster/root-ca.crt").toString(), "-untrusted", peer.toString(),
                peer.toString()).contains(": OK"));
    }

    @Test
    void forceStartsAnewAndKeepsThePreviousDirectoryAside() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Map<String, String> before = snapshot(pki);
        CommandRunner.Result result = CommandRunner.run(Map.of(), work, "pki", "init", "--force", new TestInventory().write(work).toString());
        assertEquals(0, result.exitCode(), result.err());
        Map<String, String> after = snapshot(pki);
        for (String file : new String[] {"cluster/root-ca.crt", "cluster/server/tls/server-ca.crt", "cluster/token", "cluster/agent-token",
            "site/root-ca.crt", "site/issuing-ca.crt", "cluster/server/tls/service.key"}) {
            assertNotEquals(before.get(file), after.get(file), file + " is new");
        }
        Path aside;
        try (Stream<Path> entries = Files.list(work)) {
            aside = entries.filter(p -> p.getFileName().toString().startsWith("pki.replaced-")).findFirst().orElseThrow();
        }
        assertEquals(before, snapshot(aside), "the previous PKI is kept whole beside the new one");
        assertTrue(result.out().contains("the previous PKI directory was moved to " + aside), result.out());
    }

    @Test
    void aLeafNearItsExpiryIsIssuedAgainButNoCa() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        Map<String, String> before = snapshot(pki);
        TestInventory inventory = new TestInventory();
        inventory.warningDays = 900;
        CommandRunner.Result result = init(inventory);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("renewed  site/certs/rancher.lab.example.internal/tls.crt  issued again: it expired or had 824 days left"),
                result.out());
        Map<String, String> after = snapshot(pki);
        before.keySet().removeIf(p -> p.startsWith("site/certs/"));
        after.keySet().removeIf(p -> p.startsWith("site/certs/"));
        assertEquals(before, after);
    }

    @Test
    void aTokenWithAStaleCaHashIsCorrectedAndKeepsItsSecret() throws IOException {
        Path pki = PkiTemplate.copyAll(work);
        String original = Files.readString(pki.resolve("cluster/token"));
        String secret = original.substring(original.lastIndexOf(':') + 1);
        Files.writeString(pki.resolve("cluster/token"), "K10" + "0".repeat(64) + "::server:" + secret);
        CommandRunner.Result result = init(new TestInventory());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(original, Files.readString(pki.resolve("cluster/token")));
        assertTrue(result.out().contains("updated  cluster/token"), result.out());
        assertFalse(result.out().contains(secret.strip()));
    }

    private CommandRunner.Result init(TestInventory inventory) throws IOException {
        return CommandRunner.run(Map.of(), work, "pki", "init", inventory.write(work).toString());
    }

    /** sha256 of every file but the manifest (its timestamp changes on every run), by relative path. */
    static Map<String, String> snapshot(Path pki) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(pki)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String relative = pki.relativize(file).toString();
                if (!relative.equals("manifest.json")) {
                    files.put(relative, sha256(Files.readAllBytes(file)));
                }
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
