package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What install puts on nodes from the PKI directory: the cluster CA set of contract B.1 (copied
 * verbatim to the first server's server/tls before its first start) and the two join tokens.
 * Loaded once, checked complete, before any host is touched; tokens stay {@link Secret}s.
 *
 * @param serverTls   every file of cluster/server/tls, relative path → content, keys marked
 * @param serverToken the full server token (K10&lt;hash&gt;::server:…)
 * @param agentToken  the full agent token (K10&lt;hash&gt;::node:…)
 */
public record ClusterMaterial(List<TlsFile> serverTls, Secret serverToken, Secret agentToken) {

    /** One file of server/tls. {@code content} of a key is secret: never log it. */
    public record TlsFile(String relativePath, byte[] content, boolean privateKey) {
        public String mode() {
            return privateKey ? "0600" : "0644";
        }

        @Override
        public String toString() {
            return relativePath + (privateKey ? " (private key)" : "");
        }
    }

    public static ClusterMaterial load(Path pkiDir) {
        PkiLayout layout = new PkiLayout(pkiDir);
        List<Path> required = new ArrayList<>();
        for (Rke2Ca ca : Rke2Ca.values()) {
            required.add(layout.rke2CaCert(ca));
            required.add(layout.rke2CaKey(ca));
        }
        required.add(layout.serviceKey());
        required.add(layout.serverToken());
        required.add(layout.agentToken());
        List<String> missing = required.stream().filter(p -> !Files.isRegularFile(p)).map(layout::relative).toList();
        if (!missing.isEmpty()) {
            throw SeedException.badInput("the PKI directory " + layout.dir() + " lacks " + String.join(", ", missing)
                    + "; run `seed-bootstrap pki init INVENTORY` first (it creates only what is missing)");
        }
        List<TlsFile> files = new ArrayList<>();
        for (Rke2Ca ca : Rke2Ca.values()) {
            files.add(new TlsFile(ca.stem() + ".crt", bytes(layout.rke2CaCert(ca)), false));
            files.add(new TlsFile(ca.stem() + ".key", bytes(layout.rke2CaKey(ca)), true));
        }
        files.add(new TlsFile("service.key", bytes(layout.serviceKey()), true));
        return new ClusterMaterial(List.copyOf(files), token(layout, layout.serverToken(), JoinToken.SERVER_USER),
                token(layout, layout.agentToken(), JoinToken.AGENT_USER));
    }

    /** The content of server-ca.crt (the first server's RKE2 keeps it; a mismatch means another CA). */
    public Optional<TlsFile> file(String relativePath) {
        return serverTls.stream().filter(f -> f.relativePath().equals(relativePath)).findFirst();
    }

    /** Every secret value here, for the run's redactor: the full tokens and their secret parts alone. */
    public List<Secret> secrets() {
        List<Secret> all = new ArrayList<>();
        for (Secret token : List.of(serverToken, agentToken)) {
            all.add(token);
            String full = token.reveal();
            all.add(Secret.literal(full.substring(full.lastIndexOf(':') + 1)));
        }
        return all;
    }

    private static Secret token(PkiLayout layout, Path file, String user) {
        Optional<JoinToken> parsed = JoinToken.parse(SecureFiles.read(file));
        if (parsed.isEmpty() || !parsed.get().user().equals(user)) {
            throw SeedException.badInput(layout.relative(file) + " in " + layout.dir() + " is not a full token (K10<sha256>::" + user
                    + ":<secret>); restore it from your backup, or run `seed-bootstrap pki init INVENTORY` before the cluster's first start");
        }
        String content = parsed.get().fileContent().strip();
        return Secret.literal(content);
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
