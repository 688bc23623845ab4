package io.seedbootstrap.pki.ca;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The rule of the two hierarchies (architecture.md, contract B.3 caution): kube-apiserver trusts
 * everything that chains to client-ca.crt's root, so nothing of the site may chain to the cluster
 * hierarchy, and the cluster root and intermediate sign nothing but the intermediate and RKE2's
 * five CAs.
 */
final class SeparationCheck {
    private SeparationCheck() {}

    /**
     * @param files every certificate file read, by path
     * @param kinds the kind of each path
     * @param clusterRoot may be null when missing (reported elsewhere)
     * @param clusterIntermediate may be null
     * @param rke2Cas the first certificates of the five RKE2 CA files
     */
    static void check(Map<Path, List<X509Certificate>> files, Map<Path, FileKind> kinds, X509Certificate clusterRoot,
            X509Certificate clusterIntermediate, Collection<X509Certificate> rke2Cas, Map<Path, X509Certificate> verifiedRoots,
            Findings findings) {
        for (Map.Entry<Path, List<X509Certificate>> file : files.entrySet()) {
            FileKind kind = kinds.get(file.getKey());
            if (kind == null || kind.isCluster()) {
                continue;
            }
            X509Certificate root = verifiedRoots.get(file.getKey());
            boolean containsCluster = file.getValue().stream().anyMatch(c -> c.equals(clusterRoot) || c.equals(clusterIntermediate));
            if (containsCluster || (root != null && root.equals(clusterRoot))) {
                findings.error(file.getKey(), "site trust chains to the cluster hierarchy: kube-apiserver would accept it as a client; "
                        + "the site CA must be separate (run pki init --force, or import the site's own CA)");
            }
        }
        for (Map.Entry<Path, List<X509Certificate>> file : files.entrySet()) {
            for (X509Certificate certificate : file.getValue()) {
                if (certificate.equals(clusterRoot) || certificate.equals(clusterIntermediate)) {
                    continue;
                }
                if (clusterRoot != null && ChainVerifier.signedBy(certificate, clusterRoot)) {
                    findings.error(file.getKey(), ChainVerifier.name(certificate) + " is signed by the cluster root, which must sign only "
                            + "the cluster intermediate");
                }
                if (clusterIntermediate != null && ChainVerifier.signedBy(certificate, clusterIntermediate) && !rke2Cas.contains(certificate)) {
                    findings.error(file.getKey(), ChainVerifier.name(certificate) + " is signed by the cluster intermediate but is not one of "
                            + "RKE2's five CAs; the cluster hierarchy signs nothing else");
                }
            }
        }
    }
}
