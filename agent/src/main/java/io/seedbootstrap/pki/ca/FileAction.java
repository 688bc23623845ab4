package io.seedbootstrap.pki.ca;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What `pki init` did with one file of the PKI directory. */
public record FileAction(String path, Action action, String detail) {
    public enum Action {
        /** Written for the first time. */
        CREATED,
        /** Already there and consistent: left untouched. */
        KEPT,
        /** A leaf certificate issued again (missing host name, other issuer, near expiry). */
        RENEWED,
        /** A derived file rewritten (cacerts.pem, a token's CA hash, a file mode). */
        UPDATED,
        /** Waiting for something outside (the external CA's answer to the CSR). */
        PENDING;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
