package io.seedbootstrap.bundle.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The architectures RKE2 publishes artifacts for (contract A.1), in RKE2's spelling. */
public enum Arch {
    AMD64, ARM64, S390X;

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Arch ofKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }

    /** RKE2's artifact suffix: linux-amd64. */
    public String platform() {
        return "linux-" + key();
    }

    /** From `uname -m` (x86_64, aarch64, s390x) or RKE2's own spelling. */
    public static Arch fromMachine(String machine) {
        return switch (machine.trim().toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64" -> AMD64;
            case "aarch64", "arm64" -> ARM64;
            case "s390x" -> S390X;
            default -> throw new IllegalArgumentException("unsupported architecture " + machine);
        };
    }
}
