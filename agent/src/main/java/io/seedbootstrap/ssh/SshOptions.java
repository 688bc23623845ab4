package io.seedbootstrap.ssh;

import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a run that hold for every host (as opposed to {@link SshTarget}, per host).
 *
 * @param acceptNewHostKeys  {@value HostKeyPolicy#ACCEPT_FLAG}: append unknown keys to known_hosts
 * @param keepAliveInterval  how often an idle connection is probed
 * @param keepAliveMaxMissed probes without an answer after which the peer is declared dead
 * @param passphrasePrompt   asks the operator for a key's passphrase when the inventory gives
 *                           none (null: never prompt, fail with a message instead)
 * @param hashCache          local sha256 results remembered across runs
 * @param traffic            counts the bytes this run sends to hosts
 * @param agentSocket        the ssh-agent whose keys log in to hosts without {@code identityFile}
 *                           ($SSH_AUTH_SOCK), or null for none
 */
public record SshOptions(
        boolean acceptNewHostKeys,
        Duration keepAliveInterval,
        int keepAliveMaxMissed,
        PassphrasePrompt passphrasePrompt,
        HashCache hashCache,
        TrafficCounter traffic,
        Path agentSocket) {

    public SshOptions {
        java.util.Objects.requireNonNull(traffic, "traffic");
    }

    /** Asks for the passphrase of a key file; empty when the operator gives none. */
    @FunctionalInterface
    public interface PassphrasePrompt {
        Optional<Secret> ask(Path keyFile);
    }

    public static SshOptions defaults() {
        return new SshOptions(false, Duration.ofSeconds(5), 3, null, new HashCache(defaultHashCacheFile()), new TrafficCounter(),
                agentSocketFromEnvironment());
    }

    /** {@code $SSH_AUTH_SOCK} as OpenSSH's clients read it, or null when unset or empty. */
    public static Path agentSocketFromEnvironment() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        return sock == null || sock.isBlank() ? null : Path.of(sock);
    }

    /** {@code $XDG_CACHE_HOME/seed-bootstrap/sha256.cache}, else ~/.cache/seed-bootstrap/sha256.cache. */
    public static Path defaultHashCacheFile() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("seed-bootstrap").resolve("sha256.cache");
    }

    public SshOptions withAcceptNewHostKeys(boolean accept) {
        return new SshOptions(accept, keepAliveInterval, keepAliveMaxMissed, passphrasePrompt, hashCache, traffic, agentSocket);
    }

    public SshOptions withKeepAlive(Duration interval, int maxMissed) {
        return new SshOptions(acceptNewHostKeys, interval, maxMissed, passphrasePrompt, hashCache, traffic, agentSocket);
    }

    public SshOptions withPassphrasePrompt(PassphrasePrompt prompt) {
        return new SshOptions(acceptNewHostKeys, keepAliveInterval, keepAliveMaxMissed, prompt, hashCache, traffic, agentSocket);
    }

    public SshOptions withHashCache(HashCache cache) {
        return new SshOptions(acceptNewHostKeys, keepAliveInterval, keepAliveMaxMissed, passphrasePrompt, cache, traffic, agentSocket);
    }

    public SshOptions withAgentSocket(Path socket) {
        return new SshOptions(acceptNewHostKeys, keepAliveInterval, keepAliveMaxMissed, passphrasePrompt, hashCache, traffic, socket);
    }

    /** A fresh counter: the run's bytes are counted from zero. */
    public SshOptions withTraffic(TrafficCounter counter) {
        return new SshOptions(acceptNewHostKeys, keepAliveInterval, keepAliveMaxMissed, passphrasePrompt, hashCache, counter, agentSocket);
    }
}
