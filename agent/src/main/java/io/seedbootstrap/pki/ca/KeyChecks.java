package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Set;

/** `pki show` on private keys: present where needed, 0600, right encoding, matching their certificate. */
final class KeyChecks {
    private static final Set<FileKind> OFFLINE = Set.of(FileKind.CLUSTER_ROOT_CA_KEY, FileKind.CLUSTER_INTERMEDIATE_CA_KEY,
            FileKind.SITE_ROOT_CA_KEY);

    private final PkiLayout layout;
    private final Secret rootKeyPassphrase;
    private final Findings findings;

    KeyChecks(PkiLayout layout, Secret rootKeyPassphrase, Findings findings) {
        this.layout = layout;
        this.rootKeyPassphrase = rootKeyPassphrase;
        this.findings = findings;
    }

    PkiReport.KeyFile check(KnownFile file) {
        Path path = file.path();
        String relative = layout.relative(path);
        if (!Files.exists(path)) {
            if (OFFLINE.contains(file.kind())) {
                findings.info(path, "not here: kept offline (needed only to issue or rotate CAs)");
            } else if (file.pairedWith() != null && Files.exists(file.pairedWith())) {
                findings.error(path, "missing: the key of " + layout.relative(file.pairedWith()) + " must be here; restore it from your backup");
            }
            return new PkiReport.KeyFile(relative, file.kind(), false, null, null, null, null);
        }
        String mode = SecureFiles.mode(path);
        if (!"0600".equals(mode)) {
            findings.error(path, "mode " + mode + ": a private key must be 0600 (chmod 600 " + path + ")");
        }
        boolean encrypted = Pem.isEncrypted(path);
        String text = SecureFiles.read(path);
        expectEncoding(file, path, text);
        if (OFFLINE.contains(file.kind())) {
            findings.warning(path, "a root or intermediate key is on this machine; move it offline (it is needed only to issue or "
                    + "rotate CAs)" + (encrypted ? "" : " and encrypt it (pki.rootKeyPassphrase)"));
        }
        if (encrypted && !OFFLINE.contains(file.kind())) {
            findings.error(path, "encrypted, but RKE2, cert-manager or the ingress read it as is; it must be unencrypted (mode 0600)");
            return new PkiReport.KeyFile(relative, file.kind(), true, mode, true, null, "not checked (encrypted)");
        }
        if (encrypted && (rootKeyPassphrase == null || rootKeyPassphrase.isEmpty())) {
            findings.info(path, "encrypted; not compared with its certificate (give the inventory with pki.rootKeyPassphrase to check it)");
            return new PkiReport.KeyFile(relative, file.kind(), true, mode, true, null, "not checked (encrypted)");
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(path, rootKeyPassphrase, "pki.rootKeyPassphrase");
        } catch (SeedException e) {
            findings.error(path, e.getMessage());
            return new PkiReport.KeyFile(relative, file.kind(), true, mode, encrypted, null, "unreadable");
        }
        String matches = null;
        PublicKey expected = file.pairedWith() != null && Files.exists(file.pairedWith()) ? ManifestFiles.publicKeyOf(file) : null;
        if (expected != null) {
            if (Crypto.matches(key, expected)) {
                matches = layout.relative(file.pairedWith());
            } else {
                findings.error(path, "does not match " + layout.relative(file.pairedWith()) + " (different key pair)");
                matches = "no";
            }
        }
        return new PkiReport.KeyFile(relative, file.kind(), true, mode, encrypted, key.getAlgorithm(), matches);
    }

    /** Contract B.3: RKE2's CA keys SEC1 EC, service.key PKCS#1 RSA. */
    private void expectEncoding(KnownFile file, Path path, String text) {
        boolean rke2CaKey = file.kind().name().startsWith("RKE2_") && file.kind() != FileKind.RKE2_SERVICE_KEY;
        if (rke2CaKey && !text.contains("BEGIN EC PRIVATE KEY")) {
            findings.warning(path, "not a SEC1 \"EC PRIVATE KEY\" as contract B.3 records for RKE2's CA keys");
        }
        if (file.kind() == FileKind.RKE2_SERVICE_KEY && !text.contains("BEGIN RSA PRIVATE KEY")) {
            findings.error(path, "service.key must be an RSA key in PKCS#1 (\"RSA PRIVATE KEY\"), contract B.3");
        }
    }
}
