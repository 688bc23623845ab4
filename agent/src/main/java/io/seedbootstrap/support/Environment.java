package io.seedbootstrap.support;

import java.util.Map;
import java.util.Optional;

/**
 * Where environment variables come from. Passed explicitly (never read from a static) so tests
 * can give a command its own environment.
 */
@FunctionalInterface
public interface Environment {
    Optional<String> get(String name);

    static Environment system() {
        return name -> Optional.ofNullable(System.getenv(name));
    }

    static Environment of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name));
    }
}
