package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.signature.Signature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent client against a real OpenSSH ssh-agent (no sshd): it lists the keys ssh-add put
 * there, and each signature it gets verifies with the public key under the algorithm asked for
 * (rsa-sha2-512 and rsa-sha2-256 set the agent's flags; without them an RSA key signs ssh-rsa).
 */
class AgentKeysTest {
    @TempDir
    Path dir;

    private Process agent;
    private Path socket;

    @BeforeEach
    void startAgent() throws Exception {
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "ssh-agent (Debian: openssh-client) did not start");
    }

    @AfterEach
    void stopAgent() {
        agent.destroy();
    }

    private void run(String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
    }

    private Path key(String type, String... bits) throws Exception {
        Path k = dir.resolve("id_" + type);
        run(bits.length > 0 ? new String[] {"ssh-keygen", "-q", "-t", type, "-b", bits[0], "-N", "", "-C", "c-" + type, "-f", k.toString()}
                : new String[] {"ssh-keygen", "-q", "-t", type, "-N", "", "-C", "c-" + type, "-f", k.toString()});
        run("ssh-add", k.toString());
        return k;
    }

    /** Verifies an agent signature blob ({@code string alg, string sig}) over data with the key. */
    private static void assertSigns(AgentKeys.Key key, byte[] sigBlob, String algorithm, byte[] data) throws Exception {
        assertEquals(algorithm, AgentKeys.blobType(sigBlob));
        PublicKey pub = new Buffer.PlainBuffer(key.blob()).readPublicKey();
        Signature verifier = net.schmizz.sshj.common.Factory.Named.Util.create(SshClients.config().getKeyAlgorithms(), algorithm)
                .newSignature();
        verifier.initVerify(pub);
        verifier.update(data);
        assertTrue(verifier.verify(sigBlob), algorithm + " signature does not verify");
        byte[] other = data.clone();
        other[0] ^= 1;
        verifier.initVerify(pub);
        verifier.update(other);
        assertFalse(verifier.verify(sigBlob), "a signature must not verify other data");
    }

    @Test
    void listsTheAgentsKeysAndTheirSignaturesVerify() throws Exception {
        Path ed = key("ed25519");
        key("ecdsa", "384");
        key("rsa", "3072");
        AgentKeys agent = AgentKeys.at(socket);
        assertTrue(agent.reachable());
        List<AgentKeys.Key> keys = agent.keys();
        assertEquals(List.of("ssh-ed25519", "ecdsa-sha2-nistp384", "ssh-rsa"), keys.stream().map(AgentKeys.Key::type).toList());
        assertEquals("c-ed25519", keys.get(0).comment());
        String pub = Files.readString(Path.of(ed + ".pub")).split(" ")[1];
        assertArrayEquals(java.util.Base64.getDecoder().decode(pub), keys.get(0).blob());
        byte[] data = "session id and request".getBytes(StandardCharsets.UTF_8);
        assertSigns(keys.get(0), agent.sign(keys.get(0), data, "ssh-ed25519"), "ssh-ed25519", data);
        assertSigns(keys.get(1), agent.sign(keys.get(1), data, "ecdsa-sha2-nistp384"), "ecdsa-sha2-nistp384", data);
        assertSigns(keys.get(2), agent.sign(keys.get(2), data, "rsa-sha2-512"), "rsa-sha2-512", data);
        assertSigns(keys.get(2), agent.sign(keys.get(2), data, "rsa-sha2-256"), "rsa-sha2-256", data);
        // no flags: the agent signs SHA-1 "ssh-rsa", which AgentAuth refuses to send
        assertEquals("ssh-rsa", AgentKeys.blobType(agent.sign(keys.get(2), data, "ssh-rsa")));
        assertTrue(keys.stream().allMatch(k -> SshClients.userKeyTypeSupported(k.type())));
        assertEquals(KeyType.ECDSA384, KeyType.fromString(keys.get(1).type()));
    }

    @Test
    void anEmptyOrAbsentAgentOffersNothing() throws Exception {
        assertEquals(List.of(), AgentKeys.at(socket).keys());
        AgentKeys gone = AgentKeys.at(dir.resolve("nobody.sock"));
        assertFalse(gone.reachable());
        assertEquals(List.of(), gone.keys());
        assertFalse(SshClients.userKeyTypeSupported("ssh-dss"));
        assertFalse(SshClients.userKeyTypeSupported("sk-ssh-ed25519@openssh.com"));
    }
}
