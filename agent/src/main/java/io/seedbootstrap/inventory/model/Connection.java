package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** How seed-bootstrap reaches a host: over SSH, or as the machine it runs on (Ansible's ansible_connection). */
public enum Connection {
    SSH, LOCAL;

    @JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
