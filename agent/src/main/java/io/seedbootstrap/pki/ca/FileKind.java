package io.seedbootstrap.pki.ca;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a file in the PKI directory is (manifest.json "kind", docs/formats.md). */
public enum FileKind {
    CLUSTER_ROOT_CA, CLUSTER_ROOT_CA_KEY,
    CLUSTER_INTERMEDIATE_CA, CLUSTER_INTERMEDIATE_CA_KEY,
    RKE2_SERVER_CA, RKE2_SERVER_CA_KEY,
    RKE2_CLIENT_CA, RKE2_CLIENT_CA_KEY,
    RKE2_REQUEST_HEADER_CA, RKE2_REQUEST_HEADER_CA_KEY,
    RKE2_ETCD_PEER_CA, RKE2_ETCD_PEER_CA_KEY,
    RKE2_ETCD_SERVER_CA, RKE2_ETCD_SERVER_CA_KEY,
    RKE2_SERVICE_KEY,
    SERVER_TOKEN, AGENT_TOKEN,
    SITE_ROOT_CA, SITE_ROOT_CA_KEY,
    SITE_CACERTS,
    SITE_ISSUING_CA, SITE_ISSUING_CA_KEY, SITE_ISSUING_CA_CSR,
    RANCHER_TLS, RANCHER_TLS_KEY,
    ARGOCD_TLS, ARGOCD_TLS_KEY,
    /** A leaf whose host name no longer appears in the inventory. */
    SITE_SERVER_TLS, SITE_SERVER_TLS_KEY;

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static FileKind fromKey(String key) {
        for (FileKind kind : values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        return null;
    }

    public boolean isPrivateKey() {
        return name().endsWith("_KEY");
    }

    public boolean isToken() {
        return this == SERVER_TOKEN || this == AGENT_TOKEN;
    }

    /** The kind of this certificate's private key (RANCHER_TLS -> RANCHER_TLS_KEY). */
    public FileKind keyKind() {
        return valueOf(name() + "_KEY");
    }

    /** True for the files of the cluster hierarchy (everything RKE2 and the tokens). */
    public boolean isCluster() {
        return name().startsWith("CLUSTER_") || name().startsWith("RKE2_") || isToken();
    }
}
