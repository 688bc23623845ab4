package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Checks a CA that comes from outside (pki.site.source import, or the answer to the CSR) before
 * it may issue anything: key matches the first certificate, every certificate is a CA with
 * keyCertSign and still valid, each is signed by the next, the last is a self-signed root, and
 * nothing belongs to the cluster hierarchy. Each failure is one message naming the file.
 */
final class ImportedChain {
    private ImportedChain() {}

    /**
     * @param keyMismatch what to say when the key does not match (differs for import and CSR answers)
     * @param clusterCertificates the cluster root and intermediate, which must never sign site trust
     */
    static void validate(Path certificateFile, List<X509Certificate> chain, PrivateKey key, String keyMismatch,
            Collection<X509Certificate> clusterCertificates, Instant now) {
        if (!Crypto.matches(key, chain.get(0).getPublicKey())) {
            throw SeedException.badInput(keyMismatch);
        }
        for (X509Certificate certificate : chain) {
            for (X509Certificate cluster : clusterCertificates) {
                if (cluster.equals(certificate)) {
                    throw SeedException.badInput(certificateFile + " contains " + ChainVerifier.name(certificate)
                            + " of this cluster's own hierarchy, which signs only RKE2's CAs; import the site's CA instead");
                }
            }
            String notCa = ChainVerifier.caProblem(certificate);
            if (notCa != null) {
                throw SeedException.badInput(certificateFile + ": " + notCa + "; the site CA must be a CA certificate (CA:true, keyCertSign)");
            }
            String validity = ChainVerifier.validityProblem(certificate, now);
            if (validity != null) {
                throw SeedException.badInput(certificateFile + ": " + validity + "; give a CA certificate that is valid now");
            }
        }
        String order = ChainVerifier.orderProblem(chain);
        if (order != null) {
            throw SeedException.badInput(certificateFile + ": the certificates are not in chain order (" + order + "); put the issuing CA "
                    + "first, then the certificate that signed it, and so on up to the root");
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (!ChainVerifier.isSelfSigned(last)) {
            throw SeedException.badInput(certificateFile + " ends with " + ChainVerifier.name(last) + ", which is not a self-signed root; "
                    + "append the certificates that signed it, up to the root (cacerts.pem must hold the site root)");
        }
        ChainVerifier.Result verified = ChainVerifier.verify(chain, List.of(), now);
        if (!verified.ok()) {
            throw SeedException.badInput(certificateFile + ": " + verified.problem());
        }
    }
}
