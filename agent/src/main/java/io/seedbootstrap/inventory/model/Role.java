package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A node's RKE2 role. */
public enum Role {
    SERVER, AGENT;

    @JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
