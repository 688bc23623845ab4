package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;

/** Per-host SSH overrides; an absent key falls back to the top-level ssh section. */
public record HostSsh(
        @Doc("Login user for this host.") String user,
        @Doc("SSH port for this host.") @Range(min = 1, max = 65535) Integer port,
        @Doc("Private key for this host (only this key is used; without it, ssh.identityFile, else ssh-agent).") Path identityFile,
        @Doc("sudo password for this host; use ${ENV_VAR}.") Secret sudoPassword,
        @Doc("Pinned SHA256 host-key fingerprint (as ssh-keygen -lf prints it); verified instead of known_hosts.")
        @Format(TextFormat.FINGERPRINT) String hostKey) {}
