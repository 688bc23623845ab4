package io.seedbootstrap.pki.ca;

import io.seedbootstrap.inventory.model.Pki;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code pki show}: reads the PKI directory back and checks it — each chain verified up to its
 * root, keys matching, the two hierarchies separate, tokens bound to the cluster root, modes,
 * expiry, and drift from manifest.json. Reading only: it never changes a file.
 */
public final class PkiInspector {
    private final Clock clock;

    public PkiInspector(Clock clock) {
        this.clock = clock;
    }

    public PkiReport inspect(PkiLayout layout, ShowOptions options) {
        if (!Files.isDirectory(layout.dir())) {
            throw SeedException.badInput(layout.dir() + ": no such directory; run `seed-bootstrap pki init INVENTORY` first, or give the "
                    + "PKI directory (pki.dir)");
        }
        if (!Files.isReadable(layout.dir())) {
            throw SeedException.badInput(layout.dir() + ": cannot read the directory (permission denied); run as its owner");
        }
        Instant now = clock.instant();
        Findings findings = new Findings(layout);
        Optional<Manifest> manifest = ManifestFiles.read(layout);
        if (manifest.isEmpty()) {
            findings.warning(layout.manifest(), Files.exists(layout.manifest()) ? "unreadable JSON; run pki init to write it again"
                    : "missing; run pki init to write it");
        }
        List<KnownFile> catalogue = PkiFiles.catalogue(layout, ManifestFiles.leafKinds(options.leaves(), manifest));

        Map<Path, List<X509Certificate>> certificates = readCertificates(catalogue, findings);
        Map<Path, FileKind> kinds = new HashMap<>();
        catalogue.forEach(f -> kinds.put(f.path(), f.kind()));
        X509Certificate clusterRoot = first(certificates, layout.clusterRootCert());
        X509Certificate clusterIntermediate = first(certificates, layout.clusterIntermediateCert());
        X509Certificate siteRoot = first(certificates, layout.siteRootCert());
        Set<X509Certificate> pool = new LinkedHashSet<>();
        certificates.values().forEach(pool::addAll);

        List<PkiReport.CertificateFile> reports = new ArrayList<>();
        Map<Path, X509Certificate> verifiedRoots = new HashMap<>();
        for (KnownFile file : catalogue) {
            List<X509Certificate> chain = certificates.get(file.path());
            if (chain == null) {
                continue;
            }
            ChainVerifier.Result result = ChainVerifier.verify(chain, pool, now);
            X509Certificate root = result.ok() ? result.root() : null;
            if (root != null) {
                verifiedRoots.put(file.path(), root);
            }
            checkCertificateFile(file, chain, result, clusterRoot, siteRoot, options, now, findings);
            reports.add(new PkiReport.CertificateFile(layout.relative(file.path()), file.kind(), file.hostname(),
                    CertificateDetails.of(chain.get(0), now), chain.size(),
                    root == null ? null : CertificateDetails.name(root.getSubjectX500Principal()),
                    root == null ? null : Crypto.fingerprint(root)));
        }
        List<X509Certificate> rke2Cas = new ArrayList<>();
        for (Rke2Ca ca : Rke2Ca.values()) {
            Optional.ofNullable(first(certificates, layout.rke2CaCert(ca))).ifPresent(rke2Cas::add);
        }
        SeparationCheck.check(certificates, kinds, clusterRoot, clusterIntermediate, rke2Cas, verifiedRoots, findings);

        KeyChecks keyChecks = new KeyChecks(layout, options.rootKeyPassphrase(), findings);
        List<PkiReport.KeyFile> keys = catalogue.stream().filter(f -> f.kind().isPrivateKey()).map(keyChecks::check).toList();
        List<PkiReport.TokenFile> tokens = List.of(
                TokenChecks.check(layout, layout.serverToken(), FileKind.SERVER_TOKEN, JoinToken.SERVER_USER, clusterRoot, findings),
                TokenChecks.check(layout, layout.agentToken(), FileKind.AGENT_TOKEN, JoinToken.AGENT_USER, clusterRoot, findings));
        TokenChecks.checkDistinct(layout, findings);

        String siteSource = manifest.map(Manifest::siteSource).orElse(null);
        checkRequiredFiles(layout, siteSource, options, findings);
        checkDirectoryModes(layout, findings);
        manifest.ifPresent(m -> checkDrift(layout, m, certificates, findings));
        return new PkiReport(layout.dir().toString(), manifest.map(Manifest::cluster).orElse(null), siteSource,
                options.expiryWarningDays(), reports, keys, tokens, findings.list());
    }

    private static Map<Path, List<X509Certificate>> readCertificates(List<KnownFile> catalogue, Findings findings) {
        Map<Path, List<X509Certificate>> certificates = new LinkedHashMap<>();
        for (KnownFile file : catalogue) {
            FileKind kind = file.kind();
            if (kind.isPrivateKey() || kind.isToken() || kind == FileKind.SITE_ISSUING_CA_CSR || !Files.exists(file.path())) {
                continue;
            }
            try {
                certificates.put(file.path(), Pem.certificates(file.path()));
            } catch (SeedException e) {
                findings.error(file.path(), e.getMessage());
            }
        }
        return certificates;
    }

    private static void checkCertificateFile(KnownFile file, List<X509Certificate> chain, ChainVerifier.Result result,
            X509Certificate clusterRoot, X509Certificate siteRoot, ShowOptions options, Instant now, Findings findings) {
        Path path = file.path();
        if (!result.ok()) {
            findings.error(path, "chain does not verify: " + result.problem());
        }
        String order = ChainVerifier.orderProblem(chain);
        if (order != null) {
            findings.error(path, "not in chain order (" + order + "); each certificate must be followed by its issuer");
        }
        long daysLeft = CertificateDetails.of(chain.get(0), now).daysLeft();
        if (now.isAfter(chain.get(0).getNotAfter().toInstant())) {
            findings.error(path, "expired on " + chain.get(0).getNotAfter().toInstant());
        } else if (daysLeft < options.expiryWarningDays()) {
            findings.warning(path, "expires in " + daysLeft + " days (" + chain.get(0).getNotAfter().toInstant() + "), below "
                    + options.expiryWarningDays() + "; renew it (leaves: pki init; CAs: plan a rotation)");
        }
        X509Certificate root = result.ok() ? result.root() : null;
        FileKind kind = file.kind();
        if (kind.isCluster()) {
            if (root != null && clusterRoot != null && !root.equals(clusterRoot)) {
                findings.error(path, "chains to " + ChainVerifier.name(root) + ", not to cluster/root-ca.crt");
            }
            boolean rke2Ca = kind.name().startsWith("RKE2_");
            if (rke2Ca && (chain.size() < 3 || !chain.get(chain.size() - 1).equals(clusterRoot))) {
                findings.error(path, "must hold the CA, the intermediate and the cluster root, in that order (contract B.1; the join "
                        + "token's CA hash is the root's)");
            }
            if (chain.get(0).getExtensionValue("2.5.29.14") == null || chain.get(0).getExtensionValue("2.5.29.35") == null) {
                findings.error(path, "lacks subjectKeyIdentifier or authorityKeyIdentifier (contract B.2; RKE2 finds the root by them)");
            }
            if (rke2Ca && !"EC".equals(chain.get(0).getPublicKey().getAlgorithm())) {
                findings.warning(path, "not an ECDSA P-256 CA as contract B.2 generates");
            }
            return;
        }
        // a site file reaching the cluster root is SeparationCheck's finding
        if (root != null && siteRoot != null && !root.equals(siteRoot) && !root.equals(clusterRoot)) {
            findings.error(path, "chains to " + ChainVerifier.name(root) + ", not to site/root-ca.crt");
        }
        if (kind == FileKind.SITE_CACERTS && siteRoot != null && !(chain.size() == 1 && chain.get(0).equals(siteRoot))) {
            findings.error(path, "must hold exactly the site root (site/root-ca.crt) for Rancher's tls-ca secret; run pki init");
        }
        if (kind == FileKind.SITE_ISSUING_CA && !ChainVerifier.isSelfSigned(chain.get(chain.size() - 1))) {
            findings.error(path, "must end with the site root: cert-manager's tls.crt is the issuing CA, its intermediates, then the root");
        }
        if (file.hostname() != null && !CertificateDetails.subjectAltNames(chain.get(0)).contains("DNS:" + file.hostname())) {
            findings.error(path, "does not name " + file.hostname() + " in its subjectAltName; run pki init to issue it again");
        }
        if (kind == FileKind.SITE_SERVER_TLS) {
            findings.info(path, "no app of the inventory uses " + file.hostname() + " any more; delete its directory when unused");
        }
    }

    private static void checkRequiredFiles(PkiLayout layout, String siteSource, ShowOptions options, Findings findings) {
        List<Path> required = new ArrayList<>(List.of(layout.clusterRootCert(), layout.clusterIntermediateCert(), layout.serviceKey()));
        for (Rke2Ca ca : Rke2Ca.values()) {
            required.add(layout.rke2CaCert(ca));
            required.add(layout.rke2CaKey(ca));
        }
        if (Pki.SiteCaSource.CSR.key().equals(siteSource) && !Files.exists(layout.siteIssuingCert())) {
            required.add(layout.siteIssuingKey());
            findings.info(layout.siteIssuingCsr(), "the site CA waits for the external CA's answer (pki import-signed)");
        } else {
            required.addAll(List.of(layout.siteRootCert(), layout.siteCacerts(), layout.siteIssuingCert(), layout.siteIssuingKey()));
            for (LeafRequest leaf : options.leaves()) {
                required.add(layout.leafCert(leaf.hostname()));
            }
        }
        for (Path path : required) {
            if (!Files.exists(path)) {
                findings.error(path, "missing; run `seed-bootstrap pki init INVENTORY` to complete the directory");
            }
        }
    }

    private static void checkDirectoryModes(PkiLayout layout, Findings findings) {
        try (Stream<Path> walk = Files.walk(layout.dir())) {
            walk.filter(Files::isDirectory).forEach(dir -> {
                String mode = SecureFiles.mode(dir);
                if (!"0700".equals(mode)) {
                    findings.warning(dir, "directory mode " + mode + "; should be 0700 (chmod 700 " + dir + ")");
                }
            });
        } catch (IOException e) {
            findings.error(layout.dir(), "cannot walk the directory: " + SecureFiles.reason(e));
        }
    }

    private static void checkDrift(PkiLayout layout, Manifest manifest, Map<Path, List<X509Certificate>> certificates, Findings findings) {
        for (ManifestEntry entry : manifest.files()) {
            Path path = layout.dir().resolve(entry.path());
            List<X509Certificate> chain = certificates.get(path);
            if (chain != null && entry.fingerprint() != null && !entry.fingerprint().equals(Crypto.fingerprint(chain.get(0)))) {
                findings.warning(path, "changed since manifest.json recorded it (sha256 " + entry.fingerprint() + "); run pki init to "
                        + "record the current files, or restore the recorded one");
            }
        }
    }

    private static X509Certificate first(Map<Path, List<X509Certificate>> certificates, Path path) {
        List<X509Certificate> chain = certificates.get(path);
        return chain == null ? null : chain.get(0);
    }
}
