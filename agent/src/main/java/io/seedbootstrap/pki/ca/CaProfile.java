package io.seedbootstrap.pki.ca;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;

/** The CA extensions of each kind of CA this tool issues. */
enum CaProfile {
    /** Contract B.2 exactly (v3_ca of generate-custom-ca-certs.sh): cluster root, intermediate and RKE2's five. */
    CLUSTER(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign, -1),
    /** The site root: may sign intermediates. */
    SITE_ROOT(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature, -1),
    /** The site issuing CA (cert-manager's ClusterIssuer): signs leaves only. */
    SITE_ISSUING(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature, 0);

    private final int keyUsage;
    private final int pathLength;

    CaProfile(int keyUsage, int pathLength) {
        this.keyUsage = keyUsage;
        this.pathLength = pathLength;
    }

    KeyUsage keyUsage() {
        return new KeyUsage(keyUsage);
    }

    BasicConstraints basicConstraints() {
        return pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength);
    }
}
