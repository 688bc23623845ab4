package io.seedbootstrap.pki.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Rancher's and ArgoCD's server certificates (contract E.2, F.1), signed by the site issuing CA.
 * Unlike CAs, a leaf is issued again whenever it no longer fits: missing, another issuer, its
 * host name absent, its key different, or expiring within pki.expiryWarningDays.
 */
final class LeafCertificates extends PkiStep {
    LeafCertificates(PkiSettings settings, CertificateIssuer issuer, SecureRandom random, Clock clock, InitJournal journal) {
        super(settings, issuer, random, clock, journal);
    }

    void ensure(CaMaterial issuing) {
        for (LeafRequest request : settings.leaves()) {
            String reason = reasonToIssue(request.hostname(), issuing.certificate());
            if (reason == null) {
                journal.kept(layout.leafCert(request.hostname()));
                journal.kept(layout.leafKey(request.hostname()));
            } else {
                issue(request, issuing, reason);
            }
        }
    }

    /** Why the leaf must be issued (again), or null when it is fine as it is. */
    private String reasonToIssue(String hostname, X509Certificate issuing) {
        Path certificate = layout.leafCert(hostname);
        Path key = layout.leafKey(hostname);
        if (!Files.exists(certificate) || !Files.exists(key)) {
            // "" means first issue; any other text is why an existing leaf is replaced
            return !Files.exists(certificate) && !Files.exists(key) ? "" : "its certificate or key was missing";
        }
        X509Certificate leaf = Pem.certificates(certificate).get(0);
        if (!ChainVerifier.signedBy(leaf, issuing)) {
            return "it was not signed by the current site issuing CA";
        }
        if (!CertificateDetails.subjectAltNames(leaf).contains("DNS:" + hostname)) {
            return "it did not name " + hostname;
        }
        long daysLeft = CertificateDetails.of(leaf, clock.instant()).daysLeft();
        if (daysLeft < settings.expiryWarningDays()) {
            return "it expired or had " + Math.max(daysLeft, 0) + " days left (pki.expiryWarningDays is " + settings.expiryWarningDays() + ")";
        }
        PrivateKey privateKey = Pem.plainPrivateKey(key, "the ingress controller");
        if (!Crypto.matches(privateKey, leaf.getPublicKey())) {
            return "tls.key did not match tls.crt";
        }
        return null;
    }

    private void issue(LeafRequest request, CaMaterial issuing, String reason) {
        String hostname = request.hostname();
        journal.progress("issuing the " + request.purpose().name().toLowerCase(java.util.Locale.ROOT) + " certificate for " + hostname);
        KeyPair keys = Crypto.ecP256(random);
        X509Certificate leaf = issuer.serverLeaf(hostname, Subjects.of(hostname, null, settings.organization()), keys.getPublic(), issuing,
                settings.validity().leafDays());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        // tls.crt carries the intermediates, not the root (contract E.2): clients trust the root via cacerts.pem
        List<X509Certificate> issuers = issuing.chain();
        chain.addAll(issuers.size() > 1 ? issuers.subList(0, issuers.size() - 1) : List.of());
        SecureFiles.writePrivate(layout.leafKey(hostname), Pem.traditional(keys.getPrivate(), keys.getPublic()));
        SecureFiles.writePublic(layout.leafCert(hostname), Pem.certificates(chain));
        String purpose = request.purpose().setting();
        if (reason.isEmpty()) {
            journal.created(layout.leafCert(hostname), "server certificate for " + hostname + " (" + purpose + ")");
            journal.created(layout.leafKey(hostname), "ECDSA P-256, SEC1");
        } else {
            journal.record(layout.leafCert(hostname), FileAction.Action.RENEWED, "issued again: " + reason);
            journal.record(layout.leafKey(hostname), FileAction.Action.RENEWED, "new key");
        }
    }
}
