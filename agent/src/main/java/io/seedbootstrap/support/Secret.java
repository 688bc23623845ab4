package io.seedbootstrap.support;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A secret value (password, token, passphrase). Its toString and JSON form are redacted so it
 * cannot leak through logs, exceptions or plan output by accident; {@link #reveal()} is the only
 * way to the value and is meant to be called right where it is written to a stream or 0600 file.
 */
public final class Secret {
    public static final String REDACTED = "<redacted>";

    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = Objects.requireNonNull(value);
        this.source = source;
    }

    /** A secret read from the environment variable {@code variable}. */
    public static Secret fromEnv(String value, String variable) {
        return new Secret(value, "$" + variable);
    }

    /** A secret written literally in a file (allowed, but the inventory warns about it). */
    public static Secret literal(String value) {
        return new Secret(value, null);
    }

    public String reveal() {
        return value;
    }

    /** Where it came from ("$VAR"), or null for a literal; safe to print. */
    public String source() {
        return source;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @JsonValue
    public String redacted() {
        return source == null ? REDACTED : REDACTED + " (from " + source + ")";
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
