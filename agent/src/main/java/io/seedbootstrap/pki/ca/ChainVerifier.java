package io.seedbootstrap.pki.ca;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Verifies certificate chains the way a TLS client does, to say precisely which link is wrong:
 * every signature up to a self-signed root, every issuer a CA allowed to sign certificates
 * (basicConstraints, keyUsage keyCertSign, pathLen), every certificate inside its validity.
 */
final class ChainVerifier {
    private static final int MAX_DEPTH = 10;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** The path from the certificate to its root, or the first problem found on the way. */
    record Result(List<X509Certificate> path, String problem) {
        boolean ok() {
            return problem == null;
        }

        X509Certificate root() {
            return path.get(path.size() - 1);
        }
    }

    private ChainVerifier() {}

    /**
     * Verifies the first certificate of {@code file} to a self-signed root, looking for issuers
     * among the file's other certificates first, then in {@code pool}.
     */
    static Result verify(List<X509Certificate> file, Collection<X509Certificate> pool, Instant now) {
        List<X509Certificate> candidates = new ArrayList<>(file);
        candidates.addAll(pool);
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = file.get(0);
        path.add(current);
        while (!isSelfSigned(current)) {
            if (path.size() > MAX_DEPTH) {
                return new Result(path, "the chain is longer than " + MAX_DEPTH + " certificates");
            }
            X509Certificate issuer = null;
            boolean nameFound = false;
            for (X509Certificate candidate : candidates) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal()) && !path.contains(candidate)) {
                    nameFound = true;
                    if (signedBy(current, candidate)) {
                        issuer = candidate;
                        break;
                    }
                }
            }
            if (issuer == null) {
                return new Result(path, nameFound
                        ? "the signature of " + name(current) + " does not verify with the key of any certificate named " + issuerName(current)
                        : "the issuer " + issuerName(current) + " of " + name(current) + " is not in the file nor elsewhere in the PKI directory");
            }
            path.add(issuer);
            current = issuer;
        }
        return new Result(path, pathProblem(path, now));
    }

    /** Null when each certificate is signed by the next one, else which link is out of order. */
    static String orderProblem(List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!signedBy(chain.get(i), chain.get(i + 1))) {
                return "certificate " + (i + 2) + " (" + name(chain.get(i + 1)) + ") did not sign certificate " + (i + 1) + " ("
                        + name(chain.get(i)) + ")";
            }
        }
        return null;
    }

    static boolean isSelfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) && signedBy(certificate, certificate);
    }

    static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Why this certificate cannot sign others, or null. */
    static String caProblem(X509Certificate certificate) {
        if (certificate.getBasicConstraints() < 0) {
            return name(certificate) + " is not a CA (basicConstraints CA:true is missing)";
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && (keyUsage.length < 6 || !keyUsage[5])) {
            return name(certificate) + " may not sign certificates (keyUsage lacks keyCertSign)";
        }
        return null;
    }

    static String validityProblem(X509Certificate certificate, Instant now) {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            return name(certificate) + " expired on " + DAY.format(certificate.getNotAfter().toInstant());
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return name(certificate) + " is not valid before " + DAY.format(certificate.getNotBefore().toInstant());
        }
        return null;
    }

    private static String pathProblem(List<X509Certificate> path, Instant now) {
        for (int i = 0; i < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            String validity = validityProblem(certificate, now);
            if (validity != null) {
                return validity;
            }
            if (i > 0) {
                String ca = caProblem(certificate);
                if (ca != null) {
                    return ca;
                }
                // pathLen counts the CA certificates that may follow below this one, the target excluded
                if (certificate.getBasicConstraints() < i - 1) {
                    return name(certificate) + " allows " + certificate.getBasicConstraints() + " CA(s) below it (pathLen) but "
                            + (i - 1) + " follow";
                }
            }
        }
        return null;
    }

    static String name(X509Certificate certificate) {
        return "\"" + CertificateDetails.name(certificate.getSubjectX500Principal()) + "\"";
    }

    private static String issuerName(X509Certificate certificate) {
        return "\"" + CertificateDetails.name(certificate.getIssuerX500Principal()) + "\"";
    }
}
