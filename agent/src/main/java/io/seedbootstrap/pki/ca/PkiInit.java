package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code pki init}: the cluster hierarchy, the tokens, the site hierarchy and its leaves, then
 * the manifest — in that order, each step keeping what exists and filling in what is missing.
 */
public final class PkiInit {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final SecureRandom random;
    private final Consumer<String> progress;

    public PkiInit(Clock clock, SecureRandom random, Consumer<String> progress) {
        this.clock = clock;
        this.random = random;
        this.progress = progress;
    }

    /**
     * @param force move an existing PKI directory aside and start both hierarchies anew
     */
    public InitReport run(PkiSettings settings, boolean force) {
        PkiLayout layout = settings.layout();
        String movedTo = force ? moveAside(layout) : null;
        return complete(settings, layout, movedTo, null, false);
    }

    /** {@code pki import-signed}: installs the external CA's answer to the CSR, then completes the directory. */
    public InitReport importSigned(PkiSettings settings, Path answer, boolean replace) {
        if (!Files.isRegularFile(answer)) {
            throw SeedException.badInput(answer + ": no such file; give the PEM file your CA returned for the request");
        }
        return complete(settings, settings.layout(), null, answer, replace);
    }

    private InitReport complete(PkiSettings settings, PkiLayout layout, String movedTo, Path answer, boolean replace) {
        SecureFiles.ensureDirectory(layout.dir());
        Optional<Manifest> previous = ManifestFiles.read(layout);
        requireSameSiteSource(settings, layout, previous);
        InitJournal journal = new InitJournal(layout, progress);
        CertificateIssuer issuer = new CertificateIssuer(clock, random);

        X509Certificate clusterRoot = new ClusterHierarchy(settings, issuer, random, clock, journal).ensure();
        new JoinTokenFiles(layout, random, journal).ensure(clusterRoot);
        List<X509Certificate> clusterCertificates = new ArrayList<>(Pem.certificates(layout.clusterIntermediateCert()));

        SiteHierarchy site = new SiteHierarchy(settings, issuer, random, clock, journal);
        Optional<CaMaterial> issuing = answer != null
                ? Optional.of(site.importAnswer(answer, clusterCertificates, replace))
                : site.ensure(clusterCertificates);
        issuing.ifPresent(ca -> new LeafCertificates(settings, issuer, random, clock, journal).ensure(ca));

        List<KnownFile> catalogue = PkiFiles.catalogue(layout, ManifestFiles.leafKinds(settings.leaves(), previous));
        Manifest manifest = ManifestFiles.build(layout, settings.clusterName(), settings.siteSource().key(), catalogue, previous,
                clock.instant());
        ManifestFiles.write(layout, manifest);

        addOfflineNotes(settings, layout, journal);
        return new InitReport(layout.dir().toString(), settings.clusterName(), settings.siteSource().key(), JoinToken.caHash(clusterRoot),
                issuing.map(ca -> Crypto.fingerprint(ca.root())).orElse(null), movedTo, journal.actions(), journal.warnings(),
                journal.notes(), manifest);
    }

    private static void requireSameSiteSource(PkiSettings settings, PkiLayout layout, Optional<Manifest> previous) {
        if (previous.isEmpty() || previous.get().siteSource() == null) {
            return;
        }
        String before = previous.get().siteSource();
        boolean siteExists = Files.exists(layout.siteIssuingCert()) || Files.exists(layout.siteIssuingKey());
        if (siteExists && !before.equals(settings.siteSource().key())) {
            throw SeedException.badInput(layout.dir() + " holds a site CA made with pki.site.source " + before + ", but the inventory says "
                    + settings.siteSource().key() + "; set it back, or run pki init --force to replace the site CA (clusters trusting "
                    + "the old site root must then be updated)");
        }
    }

    private static void addOfflineNotes(PkiSettings settings, PkiLayout layout, InitJournal journal) {
        List<String> present = new ArrayList<>();
        for (Path key : List.of(layout.clusterRootKey(), layout.clusterIntermediateKey(), layout.siteRootKey())) {
            if (Files.exists(key)) {
                present.add(layout.relative(key));
            }
        }
        if (present.isEmpty()) {
            return;
        }
        journal.note("Move the root and intermediate keys off this machine and keep them offline (with a backup): "
                + String.join(", ", present) + ". Nothing needs them until a CA must be issued again or rotated "
                + "(`rke2 certificate rotate-ca`); the nodes never get them.");
        boolean encrypted = settings.rootKeyPassphrase() != null && !settings.rootKeyPassphrase().isEmpty();
        if (!encrypted && present.stream().anyMatch(p -> !Pem.isEncrypted(layout.dir().resolve(p)))) {
            journal.warning("the root and intermediate keys are not encrypted; set pki.rootKeyPassphrase (as ${ENV_VAR}) before "
                    + "pki init to encrypt new ones");
        }
    }

    /** --force: the whole previous directory is kept beside the new one, never deleted. */
    private String moveAside(PkiLayout layout) {
        Path dir = layout.dir();
        try {
            if (!Files.isDirectory(dir)) {
                return null;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isEmpty()) {
                    return null;
                }
            }
            String name = dir.getFileName() + ".replaced-" + STAMP.format(clock.instant());
            Path target = dir.resolveSibling(name);
            for (int i = 2; Files.exists(target); i++) {
                target = dir.resolveSibling(name + "-" + i);
            }
            Files.move(dir, target);
            progress.accept("moved the previous PKI directory to " + target);
            return target.toString();
        } catch (IOException e) {
            throw SecureFiles.unwritable(dir, e);
        }
    }
}
