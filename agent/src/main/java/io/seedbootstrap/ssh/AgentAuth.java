package io.seedbootstrap.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import java.util.ArrayDeque;
import java.util.Deque;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * The "publickey" method (RFC 4252 section 7) with a key held by ssh-agent: the same exchange as
 * sshj's AuthPublickey (a query without signature; on SSH_MSG_USERAUTH_PK_OK the signed request),
 * but the signature over {@code session id || request} is made by the agent. The signature
 * algorithms tried are sshj's for the key type, in our configured order (SshClients.KEY_ALGORITHMS:
 * rsa-sha2-512 then rsa-sha2-256 for RSA); the next is tried when the server refuses one.
 */
final class AgentAuth extends AbstractAuthMethod {
    private final AgentKeys agent;
    private final AgentKeys.Key key;
    private Deque<KeyAlgorithm> algorithms;
    /** Set when the agent would not sign: the caller names it instead of a bare auth failure. */
    private volatile String refusal;

    AgentAuth(AgentKeys agent, AgentKeys.Key key) {
        super("publickey");
        this.agent = agent;
        this.key = key;
    }

    AgentKeys.Key key() {
        return key;
    }

    /** Why the agent made no signature (null when it signed or was not asked). */
    String refusal() {
        return refusal;
    }

    private KeyAlgorithm algorithm() throws UserAuthException {
        if (algorithms == null) {
            try {
                algorithms = new ArrayDeque<>(params.getTransport().getClientKeyAlgorithms(KeyType.fromString(key.type())));
            } catch (TransportException e) {
                throw new UserAuthException("seed-bootstrap cannot use " + key.type() + " keys", e);
            }
        }
        KeyAlgorithm a = algorithms.peek();
        if (a == null) {
            throw new UserAuthException("no signature algorithm left for " + key.describe());
        }
        return a;
    }

    @Override
    public boolean shouldRetry() {
        if (algorithms == null || refusal != null) {
            return false;
        }
        algorithms.poll();
        return !algorithms.isEmpty();
    }

    @Override
    protected SSHPacket buildReq() throws UserAuthException {
        return request(false);
    }

    private SSHPacket request(boolean signed) throws UserAuthException {
        String algorithm = algorithm().getKeyAlgorithm();
        log.debug("Offering agent key {} with {}", key.describe(), algorithm);
        SSHPacket req = super.buildReq();
        req.putBoolean(signed).putString(algorithm).putString(key.blob());
        return req;
    }

    @Override
    public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
        if (cmd != Message.USERAUTH_60) {
            super.handle(cmd, buf);
            return;
        }
        // SSH_MSG_USERAUTH_PK_OK: the key would do; now the signed request
        String algorithm = algorithm().getKeyAlgorithm();
        SSHPacket req = request(true);
        byte[] data = new Buffer.PlainBuffer().putString(params.getTransport().getSessionID()).putBuffer(req).getCompactData();
        byte[] signature = agent.sign(key, data, algorithm);
        if (signature == null) {
            refusal = "the ssh-agent at " + agent.socket() + " refused to sign with " + key.describe()
                    + " (a key added with ssh-add -c whose confirmation was declined, a locked agent, or a hardware token not present)";
            throw new UserAuthException(refusal);
        }
        String signedWith = AgentKeys.blobType(signature);
        if (!algorithm.equals(signedWith)) {
            // e.g. an agent that ignores the rsa-sha2 flags answers with ssh-rsa (SHA-1), which sshd refuses
            refusal = "the ssh-agent at " + agent.socket() + " signed with " + signedWith + " when asked for " + algorithm
                    + " (key " + key.describe() + "); use an agent that supports " + algorithm + " (OpenSSH 7.2 or later)";
            throw new UserAuthException(refusal);
        }
        req.putString(signature);
        params.getTransport().write(req);
    }
}
