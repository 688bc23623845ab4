package io.seedbootstrap.pki.ca;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** What `pki show` prints about one certificate. */
public record CertificateDetails(
        String subject,
        String issuer,
        List<String> subjectAltNames,
        String fingerprint,
        String serial,
        String publicKey,
        boolean ca,
        String notBefore,
        String notAfter,
        long daysLeft) {

    static CertificateDetails of(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return new CertificateDetails(
                name(certificate.getSubjectX500Principal()),
                name(certificate.getIssuerX500Principal()),
                subjectAltNames(certificate),
                Crypto.fingerprint(certificate),
                certificate.getSerialNumber().toString(16),
                Crypto.describe(certificate.getPublicKey()),
                certificate.getBasicConstraints() >= 0,
                certificate.getNotBefore().toInstant().toString(),
                notAfter.toString(),
                Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L));
    }

    public boolean selfIssued() {
        return subject.equals(issuer);
    }

    static String name(X500Principal principal) {
        return principal.getName(X500Principal.RFC2253);
    }

    /** "DNS:rancher.example.internal", "IP:10.0.0.1". */
    static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    String prefix = switch (type) {
                        case 1 -> "email:";
                        case 2 -> "DNS:";
                        case 6 -> "URI:";
                        case 7 -> "IP:";
                        default -> "other:";
                    };
                    names.add(prefix + entry.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("unreadable subjectAltName");
        }
        return List.copyOf(names);
    }
}
