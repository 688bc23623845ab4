package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RKE2/K3s secure ("full") join token, {@code K10<ca hash>::<user>:<secret>} (contract B.3;
 * K3s pkg/clientaccess/token.go). The secret stays inside a {@link Secret}: toString never shows it.
 */
record JoinToken(String caHash, String user, Secret secret) {
    /** The server token's user: it joins servers and decrypts the bootstrap data. */
    static final String SERVER_USER = "server";
    /** The agent token's user: K3s EnsureUser("node", ...) strips "::node:" from a full agent token. */
    static final String AGENT_USER = "node";

    private static final Pattern FORMAT = Pattern.compile("^K10([0-9a-f]{64})::([a-z]+):(\\S+)$");

    /** The hash K3s hashCA computes for a multi-certificate server-ca.crt: SHA-256 of the root's DER. */
    static String caHash(X509Certificate clusterRoot) {
        return Crypto.fingerprint(clusterRoot);
    }

    static JoinToken generate(String caHash, String user, SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new JoinToken(caHash, user, Secret.literal(HexFormat.of().formatHex(bytes)));
    }

    /** The token read from a file's text; empty when it is not in the full format. */
    static Optional<JoinToken> parse(String text) {
        Matcher matcher = FORMAT.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new JoinToken(matcher.group(1), matcher.group(2), Secret.literal(matcher.group(3))));
    }

    JoinToken withCaHash(String hash) {
        return new JoinToken(hash, user, secret);
    }

    /** The file's content: the token and a newline. Call only to write the 0600 token file. */
    String fileContent() {
        return "K10" + caHash + "::" + user + ":" + secret.reveal() + "\n";
    }

    @Override
    public String toString() {
        return "K10" + caHash + "::" + user + ":" + Secret.REDACTED;
    }
}
