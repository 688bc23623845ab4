package io.seedbootstrap.pki.ca;

import java.util.List;

/** What `pki show` found: every certificate, key and token of the PKI directory, and the checks' findings. */
public record PkiReport(
        String dir,
        String cluster,
        String siteSource,
        int expiryWarningDays,
        List<CertificateFile> certificates,
        List<KeyFile> keys,
        List<TokenFile> tokens,
        List<Finding> findings) {

    /** A certificate file: its first certificate, how many the file holds, and the root its chain reaches. */
    public record CertificateFile(String path, FileKind kind, String hostname, CertificateDetails certificate, int certificatesInFile,
            String verifiedRoot, String verifiedRootFingerprint) {}

    /** A private key: never its content, only whether it is there, protected and matching. */
    public record KeyFile(String path, FileKind kind, boolean present, String mode, Boolean encrypted, String algorithm, String matches) {}

    /** A join token: never its value. */
    public record TokenFile(String path, FileKind kind, String mode, String user, Boolean caHashMatchesClusterRoot) {}

    public long count(Finding.Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }
}
