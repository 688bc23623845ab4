package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The ingress controller, always written explicitly to config.yaml because RKE2's default flips
 * from ingress-nginx (<= v1.35) to traefik (v1.36+), contract A.5.
 */
public enum IngressController {
    INGRESS_NGINX, TRAEFIK, NONE;

    @JsonValue
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
