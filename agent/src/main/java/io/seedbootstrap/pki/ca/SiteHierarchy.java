package io.seedbootstrap.pki.ca;

import io.seedbootstrap.inventory.model.Pki;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The site hierarchy: the issuing CA behind cert-manager's ClusterIssuer, Rancher's and
 * ArgoCD's certificates, and cacerts.pem. Generated here, imported, or requested from an
 * external CA (pki.site.source). It never chains to the cluster hierarchy.
 */
final class SiteHierarchy extends PkiStep {
    private static final String ROOT_PASSPHRASE = "pki.rootKeyPassphrase";

    SiteHierarchy(PkiSettings settings, CertificateIssuer issuer, SecureRandom random, Clock clock, InitJournal journal) {
        super(settings, issuer, random, clock, journal);
    }

    /**
     * Makes sure the site issuing CA exists; empty while a CSR waits for its answer.
     *
     * @param clusterCertificates the cluster root and intermediate: never allowed in site chains
     */
    Optional<CaMaterial> ensure(List<X509Certificate> clusterCertificates) {
        Optional<CaMaterial> issuing = switch (settings.siteSource()) {
            case GENERATE -> Optional.of(generated());
            case IMPORT -> Optional.of(imported(clusterCertificates));
            case CSR -> requested(clusterCertificates);
        };
        issuing.ifPresent(ca -> ensureCacerts(ca.root()));
        return issuing;
    }

    private CaMaterial generated() {
        CaMaterial rootMaterial = ensureGeneratedRoot();
        X509Certificate root = rootMaterial.certificate();
        Path certificate = layout.siteIssuingCert();
        Path key = layout.siteIssuingKey();
        if (Files.exists(certificate)) {
            List<X509Certificate> chain = Pem.certificates(certificate);
            if (!ChainVerifier.signedBy(chain.get(0), root)) {
                throw SeedException.badInput(certificate + " is not signed by " + layout.siteRootCert() + ": the directory mixes two site "
                        + "hierarchies; restore the matching files from your backup (or run pki init --force)");
            }
            journal.kept(certificate);
            return new CaMaterial(List.of(chain.get(0), root), loadIssuingKey(chain.get(0)));
        }
        if (Files.exists(key)) {
            throw SeedException.badInput(certificate + " is missing but " + key + " exists; restore the certificate from your backup "
                    + "(or run pki init --force)");
        }
        PrivateKey rootKey = rootMaterial.key() != null ? rootMaterial.key() : SigningKeys.load(layout.siteRootKey(), layout.siteRootCert(),
                root, settings.rootKeyPassphrase(), ROOT_PASSPHRASE, "the site issuing CA");
        journal.progress("generating the site issuing CA (RSA " + settings.rsaKeyBits() + ")");
        KeyPair keys = Crypto.rsa(settings.rsaKeyBits(), random);
        X509Certificate issuing = issuer.ca(Subjects.of(settings.organization() + " site issuing CA", null, settings.organization()),
                keys.getPublic(), new CaMaterial(List.of(root), rootKey), settings.validity().caDays(), CaProfile.SITE_ISSUING);
        List<X509Certificate> chain = List.of(issuing, root);
        SecureFiles.writePrivate(key, Pem.traditional(keys.getPrivate(), keys.getPublic()));
        SecureFiles.writePublic(certificate, Pem.certificates(chain));
        journal.created(certificate, "site issuing CA + root (cert-manager tls.crt)");
        journal.created(key, "RSA " + settings.rsaKeyBits() + ", PKCS#1 (cert-manager tls.key)");
        return new CaMaterial(chain, keys.getPrivate());
    }

    /** The site root; its key only when generated in this run. */
    private CaMaterial ensureGeneratedRoot() {
        Path certificate = layout.siteRootCert();
        Path key = layout.siteRootKey();
        if (Files.exists(certificate)) {
            X509Certificate root = Pem.certificates(certificate).get(0);
            if (!ChainVerifier.isSelfSigned(root)) {
                throw SeedException.badInput(certificate + " is not a self-signed root CA; restore the site root from your backup");
            }
            journal.kept(certificate);
            return new CaMaterial(List.of(root), null);
        }
        if (Files.exists(key) || Files.exists(layout.siteIssuingCert())) {
            throw SeedException.badInput(certificate + " is missing but " + (Files.exists(key) ? key : layout.siteIssuingCert())
                    + " exists; restore the site root certificate from your backup (or run pki init --force)");
        }
        journal.progress("generating the site root CA (RSA " + settings.rsaKeyBits() + ")");
        KeyPair keys = Crypto.rsa(settings.rsaKeyBits(), random);
        X509Certificate root = issuer.selfSignedCa(Subjects.of(settings.organization() + " site root CA", null, settings.organization()), keys,
                settings.validity().rootDays(), CaProfile.SITE_ROOT);
        SecureFiles.writePrivate(key, Pem.pkcs8(keys.getPrivate(), settings.rootKeyPassphrase(), random));
        boolean encrypted = settings.rootKeyPassphrase() != null && !settings.rootKeyPassphrase().isEmpty();
        journal.created(key, encrypted ? "PKCS#8, encrypted with " + ROOT_PASSPHRASE : "PKCS#8, not encrypted");
        SecureFiles.writePublic(certificate, Pem.certificates(List.of(root)));
        journal.created(certificate, "site root CA, RSA " + settings.rsaKeyBits());
        return new CaMaterial(List.of(root), keys.getPrivate());
    }

    private CaMaterial imported(List<X509Certificate> clusterCertificates) {
        Path certificateFile = settings.siteCertFile();
        Path keyFile = settings.siteKeyFile();
        if (certificateFile == null || keyFile == null) {
            throw SeedException.badInput("pki.site.source is import but pki.site.certFile or pki.site.keyFile is not set; set both");
        }
        List<X509Certificate> chain = Pem.certificates(certificateFile);
        PrivateKey key = Pem.privateKey(keyFile, settings.siteKeyPassphrase(), "pki.site.keyPassphrase");
        ImportedChain.validate(certificateFile, chain, key, keyFile + " does not match the first certificate of " + certificateFile + " ("
                + ChainVerifier.name(chain.get(0)) + "); set pki.site.keyFile to that certificate's key", clusterCertificates, clock.instant());
        if (chain.size() == 1) {
            journal.warning("the imported site CA " + ChainVerifier.name(chain.get(0)) + " is a root: its key goes into the cluster "
                    + "(cert-manager); prefer an intermediate CA dedicated to this site");
        }
        install(certificateFile, chain, key, "imported from " + certificateFile);
        return new CaMaterial(chain, key);
    }

    private Optional<CaMaterial> requested(List<X509Certificate> clusterCertificates) {
        Path key = layout.siteIssuingKey();
        Path request = layout.siteIssuingCsr();
        if (Files.exists(layout.siteIssuingCert())) {
            List<X509Certificate> chain = Pem.certificates(layout.siteIssuingCert());
            journal.kept(layout.siteIssuingCert());
            return Optional.of(new CaMaterial(chain, loadIssuingKey(chain.get(0))));
        }
        if (Files.exists(key)) {
            PrivateKey privateKey = Pem.plainPrivateKey(key, "cert-manager");
            journal.kept(key);
            if (!Files.exists(request)) {
                throw SeedException.badInput(request + " is missing but " + key + " exists; delete " + key + " to start a new request");
            }
            requireRequestMatches(request, privateKey);
            journal.record(request, FileAction.Action.PENDING, "waiting for the external CA's answer (pki import-signed)");
        } else {
            journal.progress("generating the site issuing CA key (RSA " + settings.rsaKeyBits() + ") and its certificate request");
            KeyPair keys = Crypto.rsa(settings.rsaKeyBits(), random);
            SecureFiles.writePrivate(key, Pem.traditional(keys.getPrivate(), keys.getPublic()));
            SecureFiles.writePublic(request, Pem.certificateRequest(issuer.caRequest(
                    Subjects.of(settings.organization() + " site issuing CA", null, settings.organization()), keys, CaProfile.SITE_ISSUING)));
            journal.created(key, "RSA " + settings.rsaKeyBits() + ", PKCS#1 (cert-manager tls.key once signed)");
            journal.created(request, "certificate request for the site issuing CA");
        }
        journal.note("The site CA is waiting for its certificate: send " + layout.relative(request) + " to your CA (ask for a CA "
                + "certificate, pathLen 0), then run `seed-bootstrap pki import-signed INVENTORY ANSWER.pem` with the issued certificate "
                + "followed by its issuers up to the root. Rancher and ArgoCD certificates are issued then.");
        return Optional.empty();
    }

    /** The answer to the CSR: validated like an import, then installed as the site issuing CA. */
    CaMaterial importAnswer(Path answer, List<X509Certificate> clusterCertificates, boolean replace) {
        Path key = layout.siteIssuingKey();
        if (settings.siteSource() != Pki.SiteCaSource.CSR) {
            throw SeedException.badInput("pki.site.source is " + settings.siteSource().key() + "; pki import-signed is for source csr");
        }
        if (!Files.exists(key)) {
            throw SeedException.badInput(key + " does not exist; run `seed-bootstrap pki init` first to write the key and the request");
        }
        List<X509Certificate> chain = Pem.certificates(answer);
        PrivateKey privateKey = Pem.plainPrivateKey(key, "cert-manager");
        ImportedChain.validate(answer, chain, privateKey, answer + ": its first certificate (" + ChainVerifier.name(chain.get(0))
                + ") is not for the key of " + layout.siteIssuingCsr() + "; give the certificate your CA issued for that request, "
                + "first in the file", clusterCertificates, clock.instant());
        if (Files.exists(layout.siteIssuingCert()) && !replace) {
            X509Certificate existing = Pem.certificates(layout.siteIssuingCert()).get(0);
            if (!existing.equals(chain.get(0))) {
                throw SeedException.badInput(layout.siteIssuingCert() + " already holds a signed site CA (" + ChainVerifier.name(existing)
                        + "); add --force to replace it (clusters trusting the old site root must then be updated)");
            }
        }
        install(answer, chain, privateKey, "signed by " + ChainVerifier.name(chain.get(chain.size() - 1)));
        CaMaterial material = new CaMaterial(chain, privateKey);
        ensureCacerts(material.root());
        return material;
    }

    /** Writes an outside CA (import or CSR answer) into the site directory, unless it is already there. */
    private void install(Path source, List<X509Certificate> chain, PrivateKey key, String detail) {
        Path certificate = layout.siteIssuingCert();
        if (Files.exists(certificate)) {
            X509Certificate existing = Pem.certificates(certificate).get(0);
            if (existing.equals(chain.get(0))) {
                journal.kept(certificate);
                ensureRootCopy(chain.get(chain.size() - 1));
                if (!Files.exists(layout.siteIssuingKey())) {
                    writeIssuingKey(key, chain.get(0));
                }
                return;
            }
            if (settings.siteSource() == Pki.SiteCaSource.IMPORT) {
                throw SeedException.badInput(certificate + " holds another CA (" + ChainVerifier.name(existing) + ") than " + source
                        + "; run pki init --force to replace the site CA (clusters trusting the old site root must then be updated)");
            }
        }
        if (settings.siteSource() == Pki.SiteCaSource.IMPORT) {
            writeIssuingKey(key, chain.get(0));
        }
        SecureFiles.writePublic(certificate, Pem.certificates(chain));
        journal.created(certificate, "site issuing CA, " + detail);
        ensureRootCopy(chain.get(chain.size() - 1));
    }

    private void writeIssuingKey(PrivateKey key, X509Certificate certificate) {
        SecureFiles.writePrivate(layout.siteIssuingKey(), Pem.traditional(key, certificate.getPublicKey()));
        journal.created(layout.siteIssuingKey(), "the imported key, stored decrypted for cert-manager");
    }

    private void ensureRootCopy(X509Certificate root) {
        writeDerived(layout.siteRootCert(), Pem.certificates(List.of(root)), "site root CA");
    }

    private void ensureCacerts(X509Certificate root) {
        writeDerived(layout.siteCacerts(), Pem.certificates(List.of(root)), "site root for Rancher's tls-ca secret");
    }

    private void writeDerived(Path file, String content, String detail) {
        if (Files.exists(file) && SecureFiles.read(file).equals(content)) {
            if (!journal.changed(file)) {
                journal.kept(file);
            }
            return;
        }
        boolean existed = Files.exists(file);
        SecureFiles.writePublic(file, content);
        journal.record(file, existed ? FileAction.Action.UPDATED : FileAction.Action.CREATED, detail);
    }

    private PrivateKey loadIssuingKey(X509Certificate issuing) {
        Path key = layout.siteIssuingKey();
        if (!Files.exists(key)) {
            throw SeedException.badInput(key + " is missing; cert-manager needs the site issuing CA's key: restore it from your backup");
        }
        PrivateKey privateKey = Pem.plainPrivateKey(key, "cert-manager");
        SigningKeys.requireMatch(key, privateKey, layout.siteIssuingCert(), issuing);
        journal.kept(key);
        return privateKey;
    }

    private void requireRequestMatches(Path request, PrivateKey key) {
        try {
            java.security.PublicKey requested = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(Pem.certificateRequest(request))
                    .getPublicKey();
            if (!Crypto.matches(key, requested)) {
                throw SeedException.badInput(request + " was not made for " + layout.siteIssuingKey() + "; delete both to start a new request");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw SeedException.badInput(request + ": its public key cannot be read; delete it and " + layout.siteIssuingKey()
                    + " to start a new request");
        }
    }
}
