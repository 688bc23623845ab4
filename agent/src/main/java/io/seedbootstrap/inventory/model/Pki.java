package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;
import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;

/**
 * The PKI: a cluster hierarchy dedicated to this RKE2 cluster, and a site hierarchy for
 * workloads and ingress (architecture.md "Two PKI hierarchies, never mixed"; layout in
 * docs/formats.md "PKI directory and token files").
 */
public record Pki(
        @Doc("Directory holding the generated PKI (layout in docs/formats.md).") @Default("./pki") Path dir,
        @Doc("Passphrase encrypting the root and intermediate CA keys at rest; use ${ENV_VAR}.") Secret rootKeyPassphrase,
        @Doc("Organisation written into generated CA subjects.") @Default("seed-bootstrap") String organization,
        @Doc("Where the site CA comes from.") SiteCa site,
        @Doc("Warn when a certificate expires within this many days.") @Default("90") @Range(min = 1, max = 3650) int expiryWarningDays,
        @Doc("RSA key size of the root and intermediate CAs: 2048, 3072 or 4096.") @Default("4096") @Range(min = 2048, max = 4096) int rsaKeyBits,
        @Doc("Validity of generated certificates.") Validity validity) {

    public enum SiteCaSource {
        /** seed-bootstrap generates a site root and issuing CA. */
        GENERATE,
        /** An existing enterprise root or intermediate (certificate + key) is imported. */
        IMPORT,
        /** A CSR is written for an external CA; its signed answer is imported later. */
        CSR;

        @JsonValue
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record SiteCa(
            @Doc("generate, import or csr.") @Default("generate") SiteCaSource source,
            @Doc("With import: the CA certificate (PEM), then each issuer up to the root.") Path certFile,
            @Doc("With import: the CA private key (PEM).") Path keyFile,
            @Doc("With import: passphrase of the key; use ${ENV_VAR}.") Secret keyPassphrase) {}

    public record Validity(
            @Doc("Days a generated root CA is valid (contract B.2: 7300).") @Default("7300") @Range(min = 365, max = 36500) int rootDays,
            @Doc("Days an intermediate or issuing CA is valid (contract B.2: 3700).") @Default("3700") @Range(min = 30, max = 36500) int caDays,
            @Doc("Days a Rancher or ArgoCD server certificate is valid (at most 825, what Apple clients accept).")
            @Default("825") @Range(min = 1, max = 825) int leafDays) {}
}
