package io.seedbootstrap.pki.ca;

import java.nio.file.Path;

/** Where every file of the PKI directory lives (docs/formats.md "PKI directory and token files"). */
public record PkiLayout(Path dir) {
    public PkiLayout {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path manifest() {
        return dir.resolve("manifest.json");
    }

    public Path clusterDir() {
        return dir.resolve("cluster");
    }

    public Path clusterOfflineDir() {
        return clusterDir().resolve("offline");
    }

    public Path clusterRootCert() {
        return clusterDir().resolve("root-ca.crt");
    }

    public Path clusterRootKey() {
        return clusterOfflineDir().resolve("root-ca.key");
    }

    public Path clusterIntermediateCert() {
        return clusterDir().resolve("intermediate-ca.crt");
    }

    public Path clusterIntermediateKey() {
        return clusterOfflineDir().resolve("intermediate-ca.key");
    }

    /** The tree install copies verbatim to /var/lib/rancher/rke2/server/tls/. */
    public Path serverTls() {
        return clusterDir().resolve("server").resolve("tls");
    }

    public Path rke2CaCert(Rke2Ca ca) {
        return serverTls().resolve(ca.stem() + ".crt");
    }

    public Path rke2CaKey(Rke2Ca ca) {
        return serverTls().resolve(ca.stem() + ".key");
    }

    public Path serviceKey() {
        return serverTls().resolve("service.key");
    }

    public Path serverToken() {
        return clusterDir().resolve("token");
    }

    public Path agentToken() {
        return clusterDir().resolve("agent-token");
    }

    public Path siteDir() {
        return dir.resolve("site");
    }

    public Path siteOfflineDir() {
        return siteDir().resolve("offline");
    }

    public Path siteRootCert() {
        return siteDir().resolve("root-ca.crt");
    }

    public Path siteRootKey() {
        return siteOfflineDir().resolve("root-ca.key");
    }

    public Path siteCacerts() {
        return siteDir().resolve("cacerts.pem");
    }

    public Path siteIssuingCert() {
        return siteDir().resolve("issuing-ca.crt");
    }

    public Path siteIssuingKey() {
        return siteDir().resolve("issuing-ca.key");
    }

    public Path siteIssuingCsr() {
        return siteDir().resolve("issuing-ca.csr");
    }

    public Path leafDir() {
        return siteDir().resolve("certs");
    }

    public Path leafCert(String hostname) {
        return leafDir().resolve(hostname).resolve("tls.crt");
    }

    public Path leafKey(String hostname) {
        return leafDir().resolve(hostname).resolve("tls.key");
    }

    /** The path relative to the PKI directory, '/'-separated, as the manifest and messages show it. */
    public String relative(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(dir) ? dir.relativize(absolute).toString().replace('\\', '/') : absolute.toString();
    }
}
