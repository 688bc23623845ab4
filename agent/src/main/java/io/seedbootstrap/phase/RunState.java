package io.seedbootstrap.phase;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What phases learn during one run and later phases use (facts of a host, the server token
 * read back after the first start). Typed keys keep it readable: a phase declares what it
 * publishes as a constant {@code Key}. Lives in the RunContext of one run, never in a static.
 */
public final class RunState {
    /** A named, typed slot. */
    public record Key<T>(String name, Class<T> type) {
        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(name, type);
        }
    }

    private final Map<String, Object> values = new ConcurrentHashMap<>();

    /** Per host: {@code key.name() + "@" + host}. */
    public <T> void put(String host, Key<T> key, T value) {
        values.put(slot(host, key), Objects.requireNonNull(value));
    }

    public <T> Optional<T> find(String host, Key<T> key) {
        return Optional.ofNullable(values.get(slot(host, key))).map(key.type()::cast);
    }

    /** The value a previous phase must have published; a missing one is a bug in the phase order. */
    public <T> T get(String host, Key<T> key) {
        return find(host, key).orElseThrow(() -> new IllegalStateException(
                "no " + key.name() + (host == null ? "" : " for " + host) + ": a phase that publishes it must run first"));
    }

    private static String slot(String host, Key<?> key) {
        return host == null ? key.name() : key.name() + "@" + host;
    }
}
