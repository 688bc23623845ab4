package io.seedbootstrap.bundle.manifest;

/**
 * {@code manifest.json.sig} (docs/formats.md): a detached signature over the exact bytes of
 * manifest.json, with the signer's public key. Trust comes from the key's fingerprint, which
 * the inventory pins, never from the key's presence here.
 */
public record SignatureFile(String format, String algorithm, String publicKey, String signature) {
    public static final String FORMAT = "seed-bootstrap-signature/v1";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.json.sig";
}
