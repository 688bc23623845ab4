package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.nio.file.Files;
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
        @Doc("Concurrent SSH channels per host (keep at or below sshd MaxSessions).") @Default("8") @Range(min = 1, max = 64) int maxSessions) {
    /**
     * The largest {@code knownHosts} file read (16 MiB: some 20,000 RSA-4096 or 100,000 ed25519
     * lines). The whole file is parsed for every check, so a bigger one is refused, and so is
     * anything but a regular file: {@code /dev/zero} would otherwise be read until memory runs out.
     */
    public static final long KNOWN_HOSTS_MAX_BYTES = 16L << 20;

    /**
     * What is wrong with {@code file} as the {@code knownHosts} file (not a regular file, larger
     * than {@link #KNOWN_HOSTS_MAX_BYTES}), or null. The inventory check and every read of the file
     * (ssh.KnownHostsFile) use it; it lives with the field so the check needs no transport.
     */
    public static String knownHostsProblem(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return file + " is not a regular file; give the path of an OpenSSH known_hosts file";
        }
        long size = Files.size(file);
        if (size > KNOWN_HOSTS_MAX_BYTES) {
            return file + " has " + size + " bytes, more than the " + KNOWN_HOSTS_MAX_BYTES + " (16 MiB) a known_hosts file may have here;"
                    + " keep only the lines of the hosts this inventory reaches in a file of its own";
        }
        return null;
    }
}
