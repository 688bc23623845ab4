package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * cluster/token and cluster/agent-token (contract A.4, A.5, B.3): generated once, secrets never
 * changed by re-runs; the CA hash follows the cluster root. Values are never printed.
 */
final class JoinTokenFiles {
    private final PkiLayout layout;
    private final SecureRandom random;
    private final InitJournal journal;

    JoinTokenFiles(PkiLayout layout, SecureRandom random, InitJournal journal) {
        this.layout = layout;
        this.random = random;
        this.journal = journal;
    }

    void ensure(X509Certificate clusterRoot) {
        String hash = JoinToken.caHash(clusterRoot);
        ensure(layout.serverToken(), JoinToken.SERVER_USER, hash, "server token");
        ensure(layout.agentToken(), JoinToken.AGENT_USER, hash, "agent token");
    }

    private void ensure(Path file, String user, String hash, String what) {
        if (!Files.exists(file)) {
            SecureFiles.writePrivate(file, JoinToken.generate(hash, user, random).fileContent());
            journal.created(file, what + " K10<cluster root sha256>::" + user + ":<secret>");
            return;
        }
        Optional<JoinToken> parsed = JoinToken.parse(SecureFiles.read(file));
        if (parsed.isEmpty() || !parsed.get().user().equals(user)) {
            throw SeedException.badInput(file + " is not a full " + what + " (K10<sha256>::" + user + ":<secret>); restore it from your "
                    + "backup, or delete it to have a new one generated (only before the cluster's first start)");
        }
        JoinToken token = parsed.get();
        if (!token.caHash().equals(hash)) {
            SecureFiles.writePrivate(file, token.withCaHash(hash).fileContent());
            journal.record(file, FileAction.Action.UPDATED, "CA hash set to the cluster root's; secret unchanged");
        } else if (!"0600".equals(SecureFiles.mode(file))) {
            SecureFiles.writePrivate(file, token.fileContent());
            journal.record(file, FileAction.Action.UPDATED, "mode set to 0600");
        } else {
            journal.kept(file);
        }
    }
}
