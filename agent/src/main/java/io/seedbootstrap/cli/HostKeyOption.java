package io.seedbootstrap.cli;

import io.seedbootstrap.ssh.SshOptions;
import picocli.CommandLine.Option;

/** The {@code --accept-new-host-keys} option every command that connects to hosts shares, and the SSH options it gives. */
final class HostKeyOption {
    @Option(names = "--accept-new-host-keys",
            description = "Trust and record host keys that known_hosts does not list yet (a changed key is always refused).")
    boolean acceptNewHostKeys;

    SshOptions ssh() {
        return SshOptions.defaults().withAcceptNewHostKeys(acceptNewHostKeys);
    }
}
