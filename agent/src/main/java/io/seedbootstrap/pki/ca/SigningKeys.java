package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** Loads a CA's key when something new must be signed, with messages that say what to do. */
final class SigningKeys {
    private SigningKeys() {}

    /**
     * @param purpose what is about to be signed, e.g. "the RKE2 server-ca"
     * @param passphraseSetting inventory key of the passphrase, for messages
     */
    static PrivateKey load(Path keyFile, Path certificateFile, X509Certificate certificate, Secret passphrase, String passphraseSetting,
            String purpose) {
        if (!Files.exists(keyFile)) {
            throw SeedException.badInput("signing " + purpose + " needs the key " + keyFile + ", which is not there (moved offline?); "
                    + "put it back for this run, then move it away again");
        }
        PrivateKey key = Pem.privateKey(keyFile, passphrase, passphraseSetting);
        requireMatch(keyFile, key, certificateFile, certificate);
        return key;
    }

    static void requireMatch(Path keyFile, PrivateKey key, Path certificateFile, X509Certificate certificate) {
        if (!Crypto.matches(key, certificate.getPublicKey())) {
            throw SeedException.badInput(keyFile + " does not match the first certificate of " + certificateFile + " ("
                    + ChainVerifier.name(certificate) + "); put the key that belongs to that certificate there");
        }
    }
}
