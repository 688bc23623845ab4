package io.seedbootstrap.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The one place text is cleaned of secret values before it reaches a log, an exception or
 * plan output: every occurrence of a known secret becomes {@link Secret#REDACTED}. Immutable;
 * {@link #with} returns a new one, so no secret registry lives in a static.
 */
public final class Redactor {
    private static final Redactor NONE = new Redactor(List.of());
    /** Values shorter than this are not searched for: masking "a" everywhere would ruin text. */
    static final int MIN_LENGTH = 4;

    private final List<String> values;

    private Redactor(List<String> values) {
        this.values = values;
    }

    public static Redactor none() {
        return NONE;
    }

    public static Redactor of(Collection<Secret> secrets) {
        return NONE.with(secrets);
    }

    public static Redactor of(Secret... secrets) {
        return of(java.util.Arrays.asList(secrets));
    }

    public Redactor with(Collection<Secret> secrets) {
        List<String> all = new ArrayList<>(values);
        for (Secret s : secrets) {
            if (s != null && s.reveal().length() >= MIN_LENGTH && !all.contains(s.reveal())) {
                all.add(s.reveal());
            }
        }
        // longest first, so a secret containing another is masked whole
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(all));
    }

    /** The text with every known secret replaced; null stays null. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            out = out.replace(v, Secret.REDACTED);
        }
        return out;
    }

    /**
     * Text cleaned for leaving the site, and what was removed (by field or kind of secret, with
     * its line; never the value).
     */
    public record Scrubbed(String text, List<String> redactions) {
        public Scrubbed {
            redactions = List.copyOf(redactions);
        }
    }

    /**
     * For text carried off the site (a support bundle): every known secret, then every value the
     * redaction rules recognise (private keys, join tokens, credentials in URLs and headers, any
     * {@code name: value} whose name says secret) replaced by {@link Secret#REDACTED}.
     */
    public Scrubbed scrub(String text) {
        List<String> redactions = new ArrayList<>();
        String out = text;
        for (String v : values) {
            for (int at = out.indexOf(v); at >= 0; at = out.indexOf(v, at + v.length())) {
                redactions.add(RedactionRules.where(out, at) + ": known secret of the inventory or PKI");
            }
            out = out.replace(v, Secret.REDACTED);
        }
        out = RedactionRules.apply(out, redactions);
        return new Scrubbed(out, redactions);
    }

    /**
     * A JSON tree cleaned in place: values under field names that say secret and a Kubernetes
     * Secret's {@code data}/{@code stringData} by structure, then every string as {@link #scrub(String)}.
     */
    public Scrubbed scrub(com.fasterxml.jackson.databind.JsonNode tree) {
        List<String> redactions = new ArrayList<>();
        RedactionRules.apply(tree, "", redactions);
        String text;
        try {
            text = Json.json().writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Scrubbed rest = scrub(text);
        redactions.addAll(rest.redactions());
        return new Scrubbed(rest.text(), redactions);
    }

    /** True when the text holds any known secret (used by tests and as a last guard). */
    public boolean leaks(String text) {
        Objects.requireNonNull(text);
        return values.stream().anyMatch(text::contains);
    }
}
