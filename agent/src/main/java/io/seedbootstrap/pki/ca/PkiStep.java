package io.seedbootstrap.pki.ca;

import java.security.SecureRandom;
import java.time.Clock;

/** What ClusterHierarchy, SiteHierarchy and LeafCertificates each hold to issue files. */
abstract class PkiStep {
    protected final PkiLayout layout;
    protected final PkiSettings settings;
    protected final CertificateIssuer issuer;
    protected final SecureRandom random;
    protected final Clock clock;
    protected final InitJournal journal;

    PkiStep(PkiSettings settings, CertificateIssuer issuer, SecureRandom random, Clock clock, InitJournal journal) {
        this.layout = settings.layout();
        this.settings = settings;
        this.issuer = issuer;
        this.random = random;
        this.clock = clock;
        this.journal = journal;
    }
}
