package io.seedbootstrap.pki.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.support.Json;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** Reads and writes manifest.json, describing each file of the catalogue that exists. */
final class ManifestFiles {
    private ManifestFiles() {}

    static Optional<Manifest> read(PkiLayout layout) {
        if (!Files.exists(layout.manifest())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(SecureFiles.read(layout.manifest()), Manifest.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static void write(PkiLayout layout, Manifest manifest) {
        try {
            SecureFiles.writePublic(layout.manifest(), Json.json().writeValueAsString(manifest) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kind of each leaf host name: the inventory's first, the previous manifest's for the others. */
    static Map<String, FileKind> leafKinds(List<LeafRequest> leaves, Optional<Manifest> previous) {
        Map<String, FileKind> kinds = new HashMap<>();
        previous.ifPresent(m -> m.files().stream().filter(e -> e.hostname() != null && e.kind() != null && !e.kind().isPrivateKey())
                .forEach(e -> kinds.put(e.hostname(), e.kind())));
        leaves.forEach(l -> kinds.put(l.hostname(), l.purpose().kind()));
        return kinds;
    }

    static Manifest build(PkiLayout layout, String cluster, String siteSource, List<KnownFile> catalogue, Optional<Manifest> previous,
            Instant now) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (KnownFile file : catalogue) {
            if (Files.exists(file.path())) {
                entries.add(describe(layout, file));
            } else if (file.kind().isPrivateKey()) {
                // an offline key moved off the machine stays listed, marked absent
                String path = layout.relative(file.path());
                previous.flatMap(m -> m.files().stream().filter(e -> e.path().equals(path)).findFirst())
                        .ifPresent(e -> entries.add(new ManifestEntry(e.path(), e.kind(), e.mode(), null, e.fingerprint(), null,
                                e.encrypted(), e.hostname(), false)));
            }
        }
        return new Manifest(Manifest.FORMAT_VERSION, cluster, siteSource, now.toString(), entries);
    }

    private static ManifestEntry describe(PkiLayout layout, KnownFile file) {
        String path = layout.relative(file.path());
        String mode = SecureFiles.mode(file.path());
        FileKind kind = file.kind();
        if (kind.isToken()) {
            return new ManifestEntry(path, kind, mode, null, null, null, null, null, null);
        }
        if (kind.isPrivateKey()) {
            PublicKey publicKey = publicKeyOf(file);
            return new ManifestEntry(path, kind, mode, null, publicKey == null ? null : Crypto.fingerprint(publicKey), null,
                    Pem.isEncrypted(file.path()), file.hostname(), null);
        }
        if (kind == FileKind.SITE_ISSUING_CA_CSR) {
            PKCS10CertificationRequest request = Pem.certificateRequest(file.path());
            try {
                String subject = CertificateDetails.name(new javax.security.auth.x500.X500Principal(request.getSubject().getEncoded()));
                return new ManifestEntry(path, kind, mode, subject, Crypto.sha256(request.getEncoded()), null, null, null, null);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        X509Certificate first = Pem.certificates(file.path()).get(0);
        return new ManifestEntry(path, kind, mode, CertificateDetails.name(first.getSubjectX500Principal()), Crypto.fingerprint(first),
                first.getNotAfter().toInstant().toString(), null, file.hostname(), null);
    }

    /** The public key of a key file: from the certificate or request it belongs to, or computed for RSA. */
    static PublicKey publicKeyOf(KnownFile file) {
        try {
            if (file.pairedWith() != null && Files.exists(file.pairedWith())) {
                if (file.pairedWith().toString().endsWith(".csr")) {
                    return new JcaPKCS10CertificationRequest(Pem.certificateRequest(file.pairedWith())).getPublicKey();
                }
                return Pem.certificates(file.pairedWith()).get(0).getPublicKey();
            }
            if (!Pem.isEncrypted(file.path())) {
                PrivateKey key = Pem.plainPrivateKey(file.path(), "RKE2");
                if (key instanceof RSAPrivateCrtKey rsa) {
                    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                }
            }
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
