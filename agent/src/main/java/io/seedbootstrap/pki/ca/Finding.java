package io.seedbootstrap.pki.ca;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** One result of `pki show`'s checks, about one path of the PKI directory. */
public record Finding(Severity severity, String path, String message) {
    public enum Severity {
        /** A check failed: `pki show` exits 1. */
        ERROR,
        /** Worth acting on (expiring soon, loose mode): exit 1 only with --strict. */
        WARNING,
        /** For the record (a key kept offline, an encrypted key not checked). */
        INFO;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String render() {
        return severity.key() + ": " + path + ": " + message;
    }
}
