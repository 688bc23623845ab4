package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The CNIs seed-bootstrap installs (contract A.5 `cni`; cannot change on a running cluster). */
public enum Cni {
    CANAL, CILIUM;

    @JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
