package io.seedbootstrap.pki.signing;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * The dedicated bundle-signing key (docs/formats.md "Bundle-signing key"): an Ed25519 key pair,
 * never a CA key. Private key as PKCS#8 PEM (0600), optionally encrypted with PBES2
 * (PBKDF2-HMAC-SHA256 + AES-256-CBC) — both readable by openssl; public key as
 * SubjectPublicKeyInfo PEM.
 */
public record BundleSigningKey(PrivateKey privateKey, PublicKey publicKey) {
    public static final String PRIVATE_FILE = "bundle-signing.key";
    public static final String PUBLIC_FILE = "bundle-signing.pub";
    static final int PBKDF2_ITERATIONS = 600_000;
    private static final String PBES2_CIPHER = "PBEWithHmacSHA256AndAES_256";
    /** DER of OID 1.2.840.113549.1.5.13 (PBES2). */
    private static final byte[] PBES2_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    public String fingerprint() {
        return Signatures.fingerprint(publicKey);
    }

    /** Never the key material: records print their components by default. */
    @Override
    public String toString() {
        return "BundleSigningKey[" + fingerprint() + "]";
    }

    public static BundleSigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(Signatures.ALGORITHM).generateKeyPair();
            return new BundleSigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + Signatures.ALGORITHM, e);
        }
    }

    /** The files keygen wrote. */
    public record Written(Path privateKeyFile, Path publicKeyFile, boolean encrypted) {}

    /**
     * Writes DIR/bundle-signing.key (created 0600 before any byte is written) and
     * DIR/bundle-signing.pub. Refuses to replace existing files unless {@code replace}.
     */
    public Written write(Path dir, Secret passphrase, boolean replace) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            Files.createDirectories(dir);
            if (!replace) {
                for (Path file : new Path[] {privateFile, publicFile}) {
                    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw SeedException.badInput(file + " already exists; keep the key you have (its fingerprint is pinned "
                                + "in inventories) or add --force to replace it");
                    }
                }
            }
            boolean encrypted = passphrase != null && !passphrase.isEmpty();
            String privatePem = encrypted ? pem("ENCRYPTED PRIVATE KEY", encrypt(privateKey.getEncoded(), passphrase))
                    : pem("PRIVATE KEY", privateKey.getEncoded());
            Files.deleteIfExists(privateFile);
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateFile, privatePem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicFile, pem("PUBLIC KEY", publicKey.getEncoded()), StandardCharsets.US_ASCII);
            return new Written(privateFile, publicFile, encrypted);
        } catch (FileAlreadyExistsException e) {
            throw SeedException.badInput(e.getFile() + " already exists; add --force to replace it");
        } catch (IOException e) {
            throw SeedException.failed("cannot write the signing key to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a private key file written by keygen (or by {@code openssl genpkey -algorithm
     * ed25519 [-aes-256-cbc]}); the public key is derived from it.
     */
    public static BundleSigningKey read(Path privateKeyFile, Secret passphrase) {
        String text;
        try {
            if (Files.size(privateKeyFile) > 64 * 1024) {
                throw SeedException.badInput(privateKeyFile + ": too large to be a signing key file");
            }
            text = Files.readString(privateKeyFile, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw SeedException.badInput(privateKeyFile + ": no such signing key file; create one with `seed-bootstrap bundle keygen`");
        } catch (IOException e) {
            throw SeedException.badInput(privateKeyFile + ": cannot read the signing key (" + e.getMessage() + ")");
        }
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw SeedException.badInput(privateKeyFile + ": not a PEM private key (expected -----BEGIN PRIVATE KEY----- or "
                    + "-----BEGIN ENCRYPTED PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        byte[] pkcs8 = switch (m.group(1)) {
            case "PRIVATE KEY" -> der;
            case "ENCRYPTED PRIVATE KEY" -> {
                if (passphrase == null || passphrase.isEmpty()) {
                    throw SeedException.badInput(privateKeyFile + " is encrypted; give its passphrase through an environment variable "
                            + "with --passphrase-env NAME");
                }
                yield decrypt(der, passphrase, privateKeyFile);
            }
            default -> throw SeedException.badInput(privateKeyFile + ": holds a " + m.group(1) + ", not a PKCS#8 private key");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(Signatures.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            if (m.group(1).equals("ENCRYPTED PRIVATE KEY")) {
                // CBC with a wrong key ends in valid padding about once in 256 tries, leaving bytes that are no key
                throw wrongPassphrase(privateKeyFile);
            }
            throw SeedException.badInput(privateKeyFile + ": not an Ed25519 private key; bundle-signing keys are Ed25519 "
                    + "(`seed-bootstrap bundle keygen`)");
        }
        return new BundleSigningKey(key, derivePublic(key, privateKeyFile));
    }

    /**
     * JDK 17 has no API from an Ed25519 private key to its public key, but its key-pair
     * generator turns 32 random bytes into the pair: feeding it the private seed yields the
     * matching public key. A sign/verify round trip proves the result.
     */
    private static PublicKey derivePublic(PrivateKey key, Path file) {
        byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow(
                () -> SeedException.badInput(file + ": the private key's bytes are not readable"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(Signatures.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            PublicKey publicKey = generator.generateKeyPair().getPublic();
            byte[] probe = "seed-bootstrap signing key check".getBytes(StandardCharsets.US_ASCII);
            if (!Signatures.verify(publicKey, probe, Signatures.sign(key, probe))) {
                throw new SeedException(ExitCode.INTERNAL, file + ": could not derive the public key of this private key");
            }
            return publicKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + Signatures.ALGORITHM, e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A "random" source that returns one fixed seed; only for {@link #derivePublic}. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }

    static byte[] encrypt(byte[] pkcs8, Secret passphrase) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        char[] chars = passphrase.reveal().toCharArray();
        try {
            SecretKey key = SecretKeyFactory.getInstance(PBES2_CIPHER).generateSecret(new PBEKeySpec(chars));
            Cipher cipher = Cipher.getInstance(PBES2_CIPHER);
            cipher.init(Cipher.ENCRYPT_MODE, key, new PBEParameterSpec(salt, PBKDF2_ITERATIONS, new IvParameterSpec(iv)));
            byte[] encrypted = cipher.doFinal(pkcs8);
            // JDK 17's EncryptedPrivateKeyInfo cannot encode PBES2 itself (fixed in later JDKs); its
            // AlgorithmParameters can, so only the two outer SEQUENCEs are written here.
            byte[] algorithm = der(0x30, concat(PBES2_OID, cipher.getParameters().getEncoded()));
            return der(0x30, concat(algorithm, der(0x04, encrypted)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt the private key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static byte[] decrypt(byte[] der, Secret passphrase, Path file) {
        char[] chars = passphrase.reveal().toCharArray();
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
            SecretKey key = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(chars));
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
            return cipher.doFinal(info.getEncryptedData());
        } catch (BadPaddingException e) {
            throw wrongPassphrase(file);
        } catch (GeneralSecurityException | IOException e) {
            throw SeedException.badInput(file + ": cannot decrypt this key (" + e.getMessage() + "); re-encrypt it with "
                    + "`openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`");
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static SeedException wrongPassphrase(Path file) {
        return SeedException.badInput(file + ": wrong passphrase (or a damaged key file)");
    }

    /** The public key in a PEM file written by keygen (BEGIN PUBLIC KEY). */
    public static PublicKey readPublic(Path publicKeyFile) {
        try {
            Matcher m = PEM.matcher(Files.readString(publicKeyFile, StandardCharsets.US_ASCII));
            if (!m.find() || !m.group(1).equals("PUBLIC KEY")) {
                throw SeedException.badInput(publicKeyFile + ": not a PEM public key (-----BEGIN PUBLIC KEY-----)");
            }
            return Signatures.publicKeyFromDer(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw SeedException.badInput(publicKeyFile + ": not an Ed25519 public key");
        } catch (IOException e) {
            throw SeedException.badInput(publicKeyFile + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(int tag, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = body.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
