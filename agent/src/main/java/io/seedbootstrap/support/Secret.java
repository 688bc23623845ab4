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
    private final String reference;

    private Secret(String value, String source, String reference) {
        this.value = Objects.requireNonNull(value);
        this.source = source;
        this.reference = reference;
    }

    /** A secret read from the environment variable {@code variable}. */
    public static Secret fromEnv(String value, String variable) {
        return new Secret(value, "$" + variable, "${" + variable + "}");
    }

    /**
     * A free-form value (extra RKE2 config) whose text held {@code ${VAR}} references: the
     * inventory cannot tell whether it is secret (etcd-s3-secret-key), so it is treated as one.
     * {@code reference} is the text as written ({@code https://${HOST}/x}), {@code variable} the first one named.
     */
    public static Secret fromReference(String value, String reference, String variable) {
        return new Secret(value, "$" + variable, reference);
    }

    /** A secret written literally in a file (allowed, but the inventory warns about it). */
    public static Secret literal(String value) {
        return new Secret(value, null, null);
    }

    /** The text as the inventory wrote it ({@code ${VAR}}, or text around references); null for a literal. Safe to print. */
    public String reference() {
        return reference;
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
