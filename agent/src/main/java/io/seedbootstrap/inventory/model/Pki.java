package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;
import io.seedbootstrap.inventory.bind.Default;
import io.seedbootstrap.inventory.bind.Doc;
import io.seedbootstrap.inventory.bind.Range;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;

/**
 * The PKI: a cluster hierarchy dedicated to this RKE2 cluster, and a site hierarchy for
 * workloads and ingress (architecture.md "Two PKI hierarchies, never mixed").
 */
public record Pki(
        @Doc("Directory holding the generated PKI (layout in docs/formats.md).") @Default("./pki") Path dir,
        @Doc("Passphrase encrypting the root CA keys at rest; use ${ENV_VAR}.") Secret rootKeyPassphrase,
        @Doc("Organisation written into generated CA subjects.") @Default("seed-bootstrap") String organization,
        @Doc("Where the site CA comes from.") SiteCa site,
        @Doc("Warn when a certificate expires within this many days.") @Default("90") @Range(min = 1, max = 3650) int expiryWarningDays) {

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
            @Doc("With import: the CA certificate (PEM, chain allowed).") Path certFile,
            @Doc("With import: the CA private key (PEM).") Path keyFile,
            @Doc("With import: passphrase of the key; use ${ENV_VAR}.") Secret keyPassphrase) {}
}
