package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.nio.file.Path;

public record JumpHost(
        @Doc("Address of the bastion.") @Required @Format(TextFormat.HOST) String address,
        @Doc("SSH port of the bastion.") @Default("22") @Range(min = 1, max = 65535) int port,
        @Doc("Login user on the bastion (defaults to ssh.user).") String user,
        @Doc("Private key for the bastion (defaults to ssh.identityFile; with neither, ssh-agent's keys log in here too).") Path identityFile,
        @Doc("Pinned SHA256 host-key fingerprint of the bastion (else known_hosts).") @Format(TextFormat.FINGERPRINT) String hostKey) {}
