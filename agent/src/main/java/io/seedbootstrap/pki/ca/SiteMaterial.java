package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * What the seed apps take from the PKI's site hierarchy (docs/formats.md "PKI directory"):
 * cert-manager's CA ClusterIssuer key pair (issuing CA chain + key, contract G), Rancher's
 * {@code tls-ca} (cacerts.pem, E.2) and the ingress leaves of Rancher and ArgoCD (E.2, F.1).
 * Never the cluster hierarchy (architecture: the two never sign for each other). Checked before
 * any host is touched: a leaf must exist, cover its host name, not be expired and chain to the
 * issuing CA, so a wrong name fails here and not as a browser warning later.
 */
public final class SiteMaterial {
    private final PkiLayout layout;

    public SiteMaterial(Path pkiDir) {
        this.layout = new PkiLayout(pkiDir);
    }

    /** A certificate chain (public) and its key (secret: never log it). */
    public record KeyPair(byte[] certificate, byte[] key) {
        @Override
        public String toString() {
            return "certificate (" + certificate.length + " bytes) and private key";
        }
    }

    public byte[] cacerts() {
        return read(layout.siteCacerts(), "the site root (cacerts.pem)");
    }

    /** G: tls.crt = issuing CA, intermediates, root; tls.key = its key. */
    public KeyPair issuingCa() {
        byte[] key = read(layout.siteIssuingKey(), "the site issuing CA key");
        byte[] chain = read(layout.siteIssuingCert(), "the site issuing CA");
        return new KeyPair(chain, key);
    }

    /** The leaf for {@code hostname} after {@link #leafProblems} found none. */
    public KeyPair leaf(String hostname) {
        return new KeyPair(read(layout.leafCert(hostname), "the certificate for " + hostname),
                read(layout.leafKey(hostname), "the key for " + hostname));
    }

    /** Why the leaf for {@code hostname} cannot serve it, or empty. Read-only; never throws for a bad file. */
    public List<String> leafProblems(String hostname, String setting, Instant now) {
        List<String> problems = new ArrayList<>();
        Path cert = layout.leafCert(hostname);
        String fix = "; run `seed-bootstrap pki init INVENTORY` to issue it from the site CA";
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(layout.leafKey(hostname))) {
            problems.add(setting + " " + hostname + ": no certificate covers it (" + layout.relative(cert) + " or its key is missing" + fix + ")");
            return problems;
        }
        List<X509Certificate> chain;
        List<X509Certificate> issuing;
        try {
            chain = Pem.certificates(cert);
            issuing = Pem.certificates(layout.siteIssuingCert());
        } catch (SeedException e) {
            problems.add(setting + " " + hostname + ": " + e.getMessage());
            return problems;
        }
        X509Certificate leaf = chain.get(0);
        if (!covers(leaf, hostname)) {
            problems.add(setting + " " + hostname + ": " + layout.relative(cert) + " does not cover it (its names: "
                    + String.join(", ", CertificateDetails.subjectAltNames(leaf)) + ")" + fix);
        }
        if (leaf.getNotAfter().before(Date.from(now))) {
            problems.add(setting + " " + hostname + ": " + layout.relative(cert) + " expired on " + leaf.getNotAfter().toInstant() + fix);
        }
        try {
            leaf.verify(issuing.get(0).getPublicKey());
        } catch (GeneralSecurityException e) {
            problems.add(setting + " " + hostname + ": " + layout.relative(cert) + " is not signed by the site issuing CA ("
                    + layout.relative(layout.siteIssuingCert()) + ")" + fix);
        }
        return problems;
    }

    /**
     * Why {@code file} cannot be a trust anchor another app is given (Rancher's tls-ca from the
     * Vault PKI, contract E.2), or empty: unreadable, no certificate, or its first certificate
     * is not a CA (basicConstraints). Read-only; never throws for a bad file.
     */
    public static List<String> caFileProblems(Path file, String setting) {
        List<X509Certificate> certificates;
        try {
            certificates = Pem.certificates(file);
        } catch (SeedException e) {
            return List.of(setting + " " + file + ": " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            return List.of(setting + " " + file + ": holds no certificate; give the CA certificate (PEM)");
        }
        if (certificates.get(0).getBasicConstraints() < 0) {
            return List.of(setting + " " + file + ": " + certificates.get(0).getSubjectX500Principal().getName()
                    + " is not a CA certificate (no basicConstraints CA:true); give the CA that signs the issued certificates");
        }
        return List.of();
    }

    /** RFC 6125: exact DNS SAN, or a wildcard for exactly one left-most label. */
    static boolean covers(X509Certificate leaf, String hostname) {
        String host = hostname.toLowerCase(Locale.ROOT);
        for (String san : CertificateDetails.subjectAltNames(leaf)) {
            if (!san.startsWith("DNS:")) {
                continue;
            }
            String name = san.substring(4).toLowerCase(Locale.ROOT);
            if (name.equals(host)) {
                return true;
            }
            if (name.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equals(name.substring(1))) {
                return true;
            }
        }
        return false;
    }

    private byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw SeedException.badInput("cannot read " + what + " at " + file + " (" + e.getClass().getSimpleName()
                    + "); run `seed-bootstrap pki init INVENTORY` first");
        }
    }
}
