package io.seedbootstrap.pki.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** `pki show` on the join tokens: present, 0600, full format, CA hash = cluster root, distinct secrets. Values never shown. */
final class TokenChecks {
    private TokenChecks() {}

    static PkiReport.TokenFile check(PkiLayout layout, Path path, FileKind kind, String user, X509Certificate clusterRoot, Findings findings) {
        String relative = layout.relative(path);
        if (!Files.exists(path)) {
            findings.error(path, "missing; run pki init to generate it (before the cluster's first start) or restore it from your backup");
            return new PkiReport.TokenFile(relative, kind, null, null, null);
        }
        String mode = SecureFiles.mode(path);
        if (!"0600".equals(mode)) {
            findings.error(path, "mode " + mode + ": a token must be 0600 (chmod 600 " + path + ")");
        }
        Optional<JoinToken> token = JoinToken.parse(SecureFiles.read(path));
        if (token.isEmpty()) {
            findings.error(path, "not a full join token (K10<sha256 of the cluster root>::" + user + ":<secret>)");
            return new PkiReport.TokenFile(relative, kind, mode, null, null);
        }
        if (!token.get().user().equals(user)) {
            findings.error(path, "the token's user is \"" + token.get().user() + "\"; it must be \"" + user + "\"");
        }
        Boolean hashMatches = null;
        if (clusterRoot != null) {
            hashMatches = token.get().caHash().equals(JoinToken.caHash(clusterRoot));
            if (!hashMatches) {
                findings.error(path, "its CA hash is not the SHA-256 of cluster/root-ca.crt: joining nodes would refuse the cluster; "
                        + "run pki init to correct it");
            }
        }
        return new PkiReport.TokenFile(relative, kind, mode, token.get().user(), hashMatches);
    }

    /** The agent token must not carry the server token's secret: agents would then hold the key to the bootstrap data. */
    static void checkDistinct(PkiLayout layout, Findings findings) {
        if (!Files.exists(layout.serverToken()) || !Files.exists(layout.agentToken())) {
            return;
        }
        Optional<JoinToken> server = JoinToken.parse(SecureFiles.read(layout.serverToken()));
        Optional<JoinToken> agent = JoinToken.parse(SecureFiles.read(layout.agentToken()));
        if (server.isPresent() && agent.isPresent() && server.get().secret().equals(agent.get().secret())) {
            findings.error(layout.agentToken(), "has the same secret as cluster/token: agents would hold the server token");
        }
    }
}
