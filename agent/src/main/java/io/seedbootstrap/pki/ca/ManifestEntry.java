package io.seedbootstrap.pki.ca;

/**
 * One file in manifest.json (docs/formats.md). Certificates and requests: fingerprint of the
 * first certificate's (request's) DER, subject, notAfter. Keys: fingerprint of the public key,
 * encrypted. Tokens: neither (nothing derived from a secret is written). Absent fields are null.
 */
public record ManifestEntry(
        String path,
        FileKind kind,
        String mode,
        String subject,
        String fingerprint,
        String notAfter,
        Boolean encrypted,
        String hostname,
        Boolean present) {}
