package io.seedbootstrap.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys an ssh-agent offers, and signatures made by it (draft-miller-ssh-agent:
 * SSH_AGENTC_REQUEST_IDENTITIES, SSH_AGENTC_SIGN_REQUEST with the flags SSH_AGENT_RSA_SHA2_256/512
 * for RSA keys). The protocol client is JSch's (com.github.mwiede:jsch, maintained; only its agent
 * client is used, over the JDK's Unix domain sockets); sshj has none since 0.32. Private keys never
 * leave the agent; we see public key blobs and signatures only.
 */
final class AgentKeys {
    /** One key the agent holds. {@code type} is the blob's key type, e.g. {@code ssh-ed25519}. */
    record Key(String type, byte[] blob, String comment, Identity identity) {
        String fingerprint() {
            return Fingerprints.sha256(blob);
        }

        /** {@code ssh-ed25519 SHA256:... (comment)} for messages. */
        String describe() {
            return type + " " + fingerprint() + (comment == null || comment.isBlank() ? "" : " (" + comment + ")");
        }
    }

    private final Path socket;
    private final SSHAgentConnector connector;
    private final AgentIdentityRepository repository;

    private AgentKeys(Path socket) throws AgentProxyException {
        this.socket = socket;
        this.connector = new SSHAgentConnector(new UnixDomainSocketFactory(), socket);
        this.repository = new AgentIdentityRepository(connector);
    }

    /** The agent listening at {@code socket} (usually $SSH_AUTH_SOCK). */
    static AgentKeys at(Path socket) {
        try {
            return new AgentKeys(socket);
        } catch (AgentProxyException e) {
            throw new IllegalStateException("no Unix domain socket support for ssh-agent", e);
        }
    }

    Path socket() {
        return socket;
    }

    /** Whether something answers on the socket. */
    boolean reachable() {
        return connector.isAvailable();
    }

    /** The agent's keys, in its order (an unreachable or failing agent offers none). */
    List<Key> keys() {
        return repository.getIdentities().stream()
                .map(i -> new Key(blobType(i.getPublicKeyBlob()), i.getPublicKeyBlob(), i.getName(), i))
                .filter(k -> k.type() != null)
                .toList();
    }

    /**
     * The agent's signature of {@code data} with {@code key}, for the SSH signature algorithm
     * {@code algorithm} (rsa-sha2-256/512 set the agent's RSA flags): the signature blob as it goes
     * on the wire ({@code string algorithm, string signature}). Null when the agent refused (a key
     * added with confirmation that was declined, a locked agent, a token that is not present).
     */
    byte[] sign(Key key, byte[] data, String algorithm) {
        return key.identity().getSignature(data, algorithm);
    }

    /** The first string of an SSH blob (its key or signature type), or null for a malformed blob. */
    static String blobType(byte[] blob) {
        if (blob == null || blob.length < 4) {
            return null;
        }
        int n = ByteBuffer.wrap(blob).getInt();
        if (n <= 0 || n > blob.length - 4 || n > 64) {
            return null;
        }
        return new String(blob, 4, n, StandardCharsets.US_ASCII);
    }
}
