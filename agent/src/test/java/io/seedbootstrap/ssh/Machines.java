package io.seedbootstrap.ssh;

import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Path;
import java.time.Duration;

/** Targets and options for test machines. */
final class Machines {
    private Machines() {}

    static SshTarget target(TestMachine m) {
        return SshTarget.simple(m.name(), m.sshHost(), m.sshPort(), m.user(), m.privateKey(), m.knownHosts())
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
    }

    static SshOptions options(Path dir) {
        return SshOptions.defaults().withHashCache(new HashCache(dir.resolve("sha256.cache")))
                .withKeepAlive(Duration.ofSeconds(2), 3);
    }

    /** The SHA256 fingerprints of the machine's host keys, as ssh-keygen prints them. */
    static java.util.List<String> fingerprints(TestMachine m) {
        return m.hostKeys().stream()
                .map(k -> Fingerprints.sha256(java.util.Base64.getDecoder().decode(k.split(" ")[1])))
                .toList();
    }
}
