package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * The cluster hierarchy: a root and an intermediate dedicated to this RKE2 cluster, signing
 * only RKE2's five CAs, plus service.key (contract B.1–B.3). Existing CAs are kept; what is
 * missing is issued.
 */
final class ClusterHierarchy extends PkiStep {
    private static final String PASSPHRASE = "pki.rootKeyPassphrase";

    ClusterHierarchy(PkiSettings settings, CertificateIssuer issuer, SecureRandom random, Clock clock, InitJournal journal) {
        super(settings, issuer, random, clock, journal);
    }

    /** Makes sure every file of the hierarchy exists; returns the cluster root. */
    X509Certificate ensure() {
        CaMaterial root = ensureRoot();
        CaMaterial intermediate = ensureIntermediate(root);
        PrivateKey intermediateKey = intermediate.key();
        for (Rke2Ca ca : Rke2Ca.values()) {
            if (!keep(ca, intermediate.chain())) {
                if (intermediateKey == null) {
                    intermediateKey = SigningKeys.load(layout.clusterIntermediateKey(), layout.clusterIntermediateCert(), intermediate.certificate(),
                            settings.rootKeyPassphrase(), PASSPHRASE, "the RKE2 " + ca.stem());
                }
                issue(ca, new CaMaterial(intermediate.chain(), intermediateKey));
            }
        }
        ensureServiceKey();
        return root.certificate();
    }

    /** The root; its key only when generated in this run (an existing key is read only if something must be signed). */
    private CaMaterial ensureRoot() {
        Path certificate = layout.clusterRootCert();
        Path key = layout.clusterRootKey();
        if (Files.exists(certificate)) {
            X509Certificate root = Pem.certificates(certificate).get(0);
            if (!ChainVerifier.isSelfSigned(root)) {
                throw SeedException.badInput(certificate + " is not a self-signed root CA; restore the cluster root from your backup "
                        + "(or run pki init --force for a new cluster hierarchy)");
            }
            journal.kept(certificate);
            return new CaMaterial(List.of(root), null);
        }
        if (Files.exists(key) || Files.exists(layout.clusterIntermediateCert())) {
            throw SeedException.badInput(certificate + " is missing but " + (Files.exists(key) ? key : layout.clusterIntermediateCert())
                    + " exists; restore the cluster root certificate from your backup (or run pki init --force for a new cluster hierarchy)");
        }
        journal.progress("generating the cluster root CA (RSA " + settings.rsaKeyBits() + ")");
        KeyPair keys = Crypto.rsa(settings.rsaKeyBits(), random);
        X509Certificate root = issuer.selfSignedCa(Subjects.of(settings.clusterName() + " cluster root CA", settings.clusterName(),
                settings.organization()), keys, settings.validity().rootDays(), CaProfile.CLUSTER);
        writeOfflineKey(key, keys.getPrivate());
        SecureFiles.writePublic(certificate, Pem.certificates(List.of(root)));
        journal.created(certificate, "cluster root CA, RSA " + settings.rsaKeyBits());
        return new CaMaterial(List.of(root), keys.getPrivate());
    }

    private CaMaterial ensureIntermediate(CaMaterial rootMaterial) {
        X509Certificate root = rootMaterial.certificate();
        Path certificate = layout.clusterIntermediateCert();
        Path key = layout.clusterIntermediateKey();
        if (Files.exists(certificate)) {
            List<X509Certificate> chain = Pem.certificates(certificate);
            if (!ChainVerifier.signedBy(chain.get(0), root)) {
                throw mixed(certificate, layout.clusterRootCert());
            }
            journal.kept(certificate);
            return new CaMaterial(List.of(chain.get(0), root), null);
        }
        if (Files.exists(key)) {
            throw SeedException.badInput(certificate + " is missing but " + key + " exists; restore the certificate from your backup "
                    + "(or run pki init --force for a new cluster hierarchy)");
        }
        PrivateKey rootKey = rootMaterial.key() != null ? rootMaterial.key() : SigningKeys.load(layout.clusterRootKey(),
                layout.clusterRootCert(), root, settings.rootKeyPassphrase(), PASSPHRASE, "the cluster intermediate CA");
        journal.progress("generating the cluster intermediate CA (RSA " + settings.rsaKeyBits() + ")");
        KeyPair keys = Crypto.rsa(settings.rsaKeyBits(), random);
        X509Certificate intermediate = issuer.ca(Subjects.of(settings.clusterName() + " cluster intermediate CA", settings.clusterName(),
                settings.organization()), keys.getPublic(), new CaMaterial(List.of(root), rootKey), settings.validity().caDays(), CaProfile.CLUSTER);
        writeOfflineKey(key, keys.getPrivate());
        List<X509Certificate> chain = List.of(intermediate, root);
        SecureFiles.writePublic(certificate, Pem.certificates(chain));
        journal.created(certificate, "cluster intermediate CA + root, RSA " + settings.rsaKeyBits());
        return new CaMaterial(chain, keys.getPrivate());
    }

    /** True when the CA is there and consistent; false when it must be issued. */
    private boolean keep(Rke2Ca ca, List<X509Certificate> intermediate) {
        Path certificate = layout.rke2CaCert(ca);
        Path key = layout.rke2CaKey(ca);
        boolean hasCertificate = Files.exists(certificate);
        if (hasCertificate != Files.exists(key)) {
            throw SeedException.badInput((hasCertificate ? key : certificate) + " is missing while " + (hasCertificate ? certificate : key)
                    + " exists; restore it from your backup, or delete both to have the CA issued again (only before the cluster's "
                    + "first start)");
        }
        if (!hasCertificate) {
            return false;
        }
        X509Certificate first = Pem.certificates(certificate).get(0);
        if (!ChainVerifier.signedBy(first, intermediate.get(0))) {
            throw mixed(certificate, layout.clusterIntermediateCert());
        }
        SigningKeys.requireMatch(key, Pem.plainPrivateKey(key, "RKE2"), certificate, first);
        journal.kept(certificate);
        journal.kept(key);
        return true;
    }

    private void issue(Rke2Ca ca, CaMaterial intermediate) {
        journal.progress("issuing the RKE2 " + ca.stem() + " (ECDSA P-256)");
        KeyPair keys = Crypto.ecP256(random);
        String commonName = ca.baseName() + "@" + clock.instant().getEpochSecond();
        X509Certificate certificate = issuer.ca(Subjects.of(commonName, settings.clusterName(), settings.organization()), keys.getPublic(),
                intermediate, settings.validity().caDays(), CaProfile.CLUSTER);
        SecureFiles.writePrivate(layout.rke2CaKey(ca), Pem.traditional(keys.getPrivate(), keys.getPublic()));
        SecureFiles.writePublic(layout.rke2CaCert(ca), Pem.certificates(List.of(certificate, intermediate.chain().get(0),
                intermediate.root())));
        journal.created(layout.rke2CaCert(ca), ca.baseName() + " + intermediate + root");
        journal.created(layout.rke2CaKey(ca), "ECDSA P-256, SEC1");
    }

    private void ensureServiceKey() {
        Path key = layout.serviceKey();
        if (Files.exists(key)) {
            if (!"RSA".equals(Pem.plainPrivateKey(key, "RKE2").getAlgorithm())) {
                throw SeedException.badInput(key + " is not an RSA key; the service-account signing key must be RSA (contract B.3)");
            }
            journal.kept(key);
            return;
        }
        journal.progress("generating service.key (RSA 2048)");
        KeyPair keys = Crypto.rsa(2048, random);
        SecureFiles.writePrivate(key, Pem.traditional(keys.getPrivate(), keys.getPublic()));
        journal.created(key, "service-account signing key, RSA 2048, PKCS#1");
    }

    private void writeOfflineKey(Path key, PrivateKey privateKey) {
        SecureFiles.writePrivate(key, Pem.pkcs8(privateKey, settings.rootKeyPassphrase(), random));
        boolean encrypted = settings.rootKeyPassphrase() != null && !settings.rootKeyPassphrase().isEmpty();
        journal.created(key, encrypted ? "PKCS#8, encrypted with " + PASSPHRASE : "PKCS#8, not encrypted");
    }

    private static SeedException mixed(Path certificate, Path expectedIssuer) {
        return SeedException.badInput(certificate + " is not signed by " + expectedIssuer + ": the directory mixes two hierarchies; "
                + "restore the matching files from your backup (or run pki init --force for a new cluster hierarchy)");
    }
}
