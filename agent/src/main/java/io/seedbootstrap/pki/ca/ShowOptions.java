package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import java.util.List;

/**
 * What `pki show` knows beyond the directory: from an inventory, the warning threshold, the
 * passphrase to check encrypted keys with, and the host names that must have certificates.
 */
public record ShowOptions(int expiryWarningDays, Secret rootKeyPassphrase, List<LeafRequest> leaves) {
    public static final int DEFAULT_EXPIRY_WARNING_DAYS = 90;

    public ShowOptions {
        leaves = List.copyOf(leaves);
    }

    public static ShowOptions of(PkiSettings settings) {
        return new ShowOptions(settings.expiryWarningDays(), settings.rootKeyPassphrase(), settings.leaves());
    }

    public static ShowOptions forDirectory(Integer expiryWarningDays) {
        return new ShowOptions(expiryWarningDays == null ? DEFAULT_EXPIRY_WARNING_DAYS : expiryWarningDays, null, List.of());
    }
}
