package io.seedbootstrap.inventory.model;

import io.seedbootstrap.inventory.bind.Default;
import io.seedbootstrap.inventory.bind.Doc;
import io.seedbootstrap.inventory.bind.Range;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;

/** SSH defaults for every host; a host's own {@code ssh} section overrides single keys. */
public record Ssh(
        @Doc("Login user; when not root, commands run through sudo.") @Default("root") String user,
        @Doc("SSH port.") @Default("22") @Range(min = 1, max = 65535) int port,
        @Doc("Private key file (only this key is used). Without it: the keys of the ssh-agent at $SSH_AUTH_SOCK (Ed25519, ECDSA, RSA), then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.") Path identityFile,
        @Doc("Passphrase of the private key; use ${ENV_VAR}.") Secret identityPassphrase,
        @Doc("known_hosts file (OpenSSH format) that host keys are verified against.") @Default("~/.ssh/known_hosts") Path knownHosts,
        @Doc("sudo password of the login user, when sudo asks for one; use ${ENV_VAR}.") Secret sudoPassword,
        @Doc("Bastion / jump host every connection goes through.") JumpHost jumpHost,
        @Doc("Seconds to wait for a TCP connection and SSH handshake.") @Default("15") @Range(min = 1, max = 600) int connectTimeoutSeconds,
        @Doc("Seconds a single remote command may run before it is aborted.") @Default("600") @Range(min = 1, max = 86400) int commandTimeoutSeconds,
        @Doc("Concurrent SSH channels per host (keep at or below sshd MaxSessions).") @Default("8") @Range(min = 1, max = 64) int maxSessions) {}
