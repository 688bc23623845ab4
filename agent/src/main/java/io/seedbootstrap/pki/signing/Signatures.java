package io.seedbootstrap.pki.signing;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Detached Ed25519 signatures for bundle manifests (docs/formats.md "manifest.json.sig") and the
 * key fingerprints inventories pin. JDK 17's own Ed25519; no BouncyCastle needed.
 */
public final class Signatures {
    public static final String ALGORITHM = "Ed25519";

    private Signatures() {}

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** True only for a valid signature of exactly these bytes by this key; malformed signatures are false, not errors. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot verify " + ALGORITHM + " signatures", e);
        }
    }

    /**
     * {@code SHA256:} + unpadded base64 of the SHA-256 of the key's DER SubjectPublicKeyInfo,
     * the form OpenSSH prints and inventories pin (bundle.signingKeyFingerprint). The same as
     * {@code openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64 | tr -d =}.
     */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** An Ed25519 public key from its DER SubjectPublicKeyInfo; refuses other algorithms. */
    public static PublicKey publicKeyFromDer(byte[] subjectPublicKeyInfo) throws InvalidKeySpecException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        } catch (RuntimeException e) {
            throw new InvalidKeySpecException("not an " + ALGORITHM + " public key", e);
        }
    }
}
