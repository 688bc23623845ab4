package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.TextFormat;
import java.nio.file.Path;

public record Bundle(
        @Doc("Directory of the offline bundle (built by `bundle create`, e.g. on a USB stick).") Path path,
        @Doc("SHA256 fingerprint of the bundle-signing key this site trusts; install and restore refuse any other signer.")
        @Format(TextFormat.FINGERPRINT) String signingKeyFingerprint) {}
