package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.transport.TransportException;
import org.junit.jupiter.api.Test;

/** What the SSH client offers: a modern set only (issue 21 item 13), OpenSSH 9's defaults as the reference. */
class SshClientsTest {

    /*
     * ssh_config(5) of OpenSSH 9.2p1 (Debian 12), the defaults of KexAlgorithms, Ciphers, MACs and
     * HostKeyAlgorithms; everything we offer must be in them.
     */
    private static final List<String> OPENSSH_9_KEX = List.of("sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
            "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
            "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
            "diffie-hellman-group14-sha256");
    private static final List<String> OPENSSH_9_CIPHERS = List.of("chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr",
            "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
    private static final List<String> OPENSSH_9_MACS = List.of("umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
            "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com",
            "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1");
    private static final List<String> OPENSSH_9_HOST_KEYS = List.of("ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ecdsa-sha2-nistp256@openssh.com",
            "sk-ssh-ed25519@openssh.com", "rsa-sha2-512", "rsa-sha2-256");

    /** What sshj offers after the modern ones unless told otherwise, and the issue named. */
    private static final Pattern LEGACY = Pattern.compile(
            ".*(group1-sha1|group14-sha1|exchange-sha1|3des|arcfour|blowfish|cast128|idea|serpent|twofish|-cbc|hmac-md5|hmac-sha1"
                    + "|ripemd|ssh-dss|-cert-v01).*|ssh-rsa");

    private static List<String> names(List<? extends Factory.Named<?>> factories) {
        return factories.stream().map(Factory.Named::getName).toList();
    }

    @Test
    void onlyAModernSetIsOfferedEveryNameOneOfOpenSsh9sDefaults() {
        DefaultConfig config = SshClients.config();
        List<String> kex = names(config.getKeyExchangeFactories());
        List<String> ciphers = names(config.getCipherFactories());
        List<String> macs = names(config.getMACFactories());
        List<String> keys = names(config.getKeyAlgorithms());
        List<String> all = new ArrayList<>(kex);
        all.addAll(ciphers);
        all.addAll(macs);
        all.addAll(keys);
        for (String name : all) {
            assertTrue(!LEGACY.matcher(name).matches(), name + " is a legacy algorithm: " + all);
        }
        // every kex but the ext-info-c signal is one of OpenSSH's defaults, and so on
        assertEquals("ext-info-c", kex.get(kex.size() - 1));
        assertTrue(OPENSSH_9_KEX.containsAll(kex.subList(0, kex.size() - 1)), kex.toString());
        assertTrue(OPENSSH_9_CIPHERS.containsAll(ciphers), ciphers.toString());
        assertTrue(OPENSSH_9_MACS.containsAll(macs), macs.toString());
        assertTrue(OPENSSH_9_HOST_KEYS.containsAll(keys), keys.toString());
        // and the measured preference stays first
        assertEquals(List.of("aes128-gcm@openssh.com", "aes128-ctr"), ciphers.subList(0, 2));
        assertEquals("curve25519-sha256", kex.get(0));
        assertEquals("ssh-ed25519", keys.get(0));
        // what a Debian 12 sshd (its defaults) can agree on in each list
        assertTrue(kex.contains("curve25519-sha256") && ciphers.contains("aes256-ctr") && macs.contains("hmac-sha2-256-etm@openssh.com")
                && keys.containsAll(List.of("ecdsa-sha2-nistp256", "rsa-sha2-512")));
    }

    @Test
    void aFailedNegotiationIsExplainedNamingBothSidesWithoutPseudoAlgorithms() {
        TransportException sshj = new TransportException("Unable to reach a settlement of KeyExchangeAlgorithms: "
                + "[curve25519-sha256, diffie-hellman-group14-sha256, ext-info-c, kex-strict-c-v00@openssh.com] and [diffie-hellman-group1-sha1]");
        String message = SshClients.noCommonAlgorithm(new java.io.IOException("connect", sshj));
        assertTrue(message.startsWith("it offers no key exchange algorithm seed-bootstrap accepts: the host offers "
                + "diffie-hellman-group1-sha1; seed-bootstrap offers only curve25519-sha256, diffie-hellman-group14-sha256 "), message);
        assertTrue(message.contains("(KexAlgorithms)") && message.contains("docs/ssh.md"), message);
        String cipher = SshClients.noCommonAlgorithm(new TransportException(
                "Unable to reach a settlement of Client2ServerCipherAlgorithms: [aes128-gcm@openssh.com] and [3des-cbc,aes128-cbc]"));
        assertTrue(cipher.contains("no cipher") && cipher.contains("offers 3des-cbc, aes128-cbc") && cipher.contains("(Ciphers)"), cipher);
        assertNull(SshClients.noCommonAlgorithm(new java.io.IOException("Connection refused")));
    }
}
