package io.seedbootstrap.pki.ca;

import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM in and out: certificate chains, certificate requests and private keys in the encodings
 * contract B.3 asks for (PKCS#1 RSA, SEC1 EC) and PKCS#8, plain or encrypted (PBES2 with
 * PBKDF2-HMAC-SHA256 and AES-256-CBC). Errors name the file and never carry key material or
 * passphrases.
 */
final class Pem {
    /** PBKDF2 iterations for keys we encrypt: costly enough to slow guessing, quick enough for a CLI. */
    static final int PBKDF2_ITERATIONS = 600_000;

    private Pem() {}

    /** Every certificate in the file, in file order; at least one. */
    static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = parseCertificates(SecureFiles.read(file), file);
        if (certificates.isEmpty()) {
            throw SeedException.badInput(file + ": no certificate found (expected PEM \"BEGIN CERTIFICATE\" blocks)");
        }
        return certificates;
    }

    static List<X509Certificate> parseCertificates(String text, Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | IllegalArgumentException e) {
            throw SeedException.badInput(file + ": not a readable PEM certificate file (" + e.getClass().getSimpleName() + "); "
                    + "give PEM certificates (\"BEGIN CERTIFICATE\")");
        }
        return certificates;
    }

    static PKCS10CertificationRequest certificateRequest(Path file) {
        try (PEMParser parser = new PEMParser(new StringReader(SecureFiles.read(file)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PKCS10CertificationRequest request) {
                    return request;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // reported below
        }
        throw SeedException.badInput(file + ": no readable certificate request (\"BEGIN CERTIFICATE REQUEST\") in it");
    }

    /** True when the key file is encrypted (PKCS#8 or OpenSSL's legacy Proc-Type form). */
    static boolean isEncrypted(Path file) {
        String text = SecureFiles.read(file);
        return text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED");
    }

    /**
     * Reads a key that a program reads as is (RKE2, cert-manager, an ingress): it must not be encrypted.
     *
     * @param reader who reads it, for the message, e.g. "RKE2"
     */
    static PrivateKey plainPrivateKey(Path file, String reader) {
        if (isEncrypted(file)) {
            throw SeedException.badInput(file + " is encrypted, but " + reader + " reads it as is; write it unencrypted (mode 0600)");
        }
        return privateKey(file, null, "none");
    }

    /**
     * Reads the first private key in the file.
     *
     * @param passphrase may be null; needed only when the key is encrypted
     * @param passphraseSetting the inventory key that supplies the passphrase, for messages
     */
    static PrivateKey privateKey(Path file, Secret passphrase, String passphraseSetting) {
        PrivateKey key = bouncyCastleKey(file, passphrase, passphraseSetting);
        try {
            return Crypto.toJdk(key);
        } catch (IllegalArgumentException e) {
            throw SeedException.badInput(file + ": a " + key.getAlgorithm() + " key; only RSA and EC (ECDSA) keys are supported");
        }
    }

    private static PrivateKey bouncyCastleKey(Path file, Secret passphrase, String passphraseSetting) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Crypto.PROVIDER);
        Object object = firstKeyObject(file);
        try {
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            char[] password = password(file, passphrase, passphraseSetting);
            if (object instanceof PEMEncryptedKeyPair encrypted) {
                return converter.getKeyPair(encrypted.decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(Crypto.PROVIDER).build(password))).getPrivate();
            }
            PKCS8EncryptedPrivateKeyInfo encrypted = (PKCS8EncryptedPrivateKeyInfo) object;
            PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Crypto.PROVIDER).build(password));
            return converter.getPrivateKey(info);
        } catch (EncryptionException | PKCSException | OperatorCreationException | IllegalArgumentException e) {
            throw wrongPassphrase(file, passphrase, passphraseSetting);
        } catch (IOException e) {
            // a wrong passphrase can also decrypt to bytes that are no key at all
            throw object instanceof PEMKeyPair || object instanceof PrivateKeyInfo
                    ? SeedException.badInput(file + ": the private key cannot be read (" + e.getMessage() + "); give an RSA or EC key in PEM")
                    : wrongPassphrase(file, passphrase, passphraseSetting);
        }
    }

    private static Object firstKeyObject(Path file) {
        try (PEMParser parser = new PEMParser(new StringReader(SecureFiles.read(file)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PEMKeyPair || object instanceof PrivateKeyInfo || object instanceof PEMEncryptedKeyPair
                        || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    return object;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw SeedException.badInput(file + ": not a readable PEM private key (" + e.getClass().getSimpleName() + "); "
                    + "give the key in PEM (\"BEGIN ... PRIVATE KEY\")");
        }
        throw SeedException.badInput(file + ": no private key found (expected a PEM \"BEGIN ... PRIVATE KEY\" block)");
    }

    private static char[] password(Path file, Secret passphrase, String passphraseSetting) {
        if (passphrase == null || passphrase.isEmpty()) {
            throw SeedException.badInput(file + " is encrypted; set " + passphraseSetting + " to its passphrase (as ${ENV_VAR})");
        }
        return passphrase.reveal().toCharArray();
    }

    private static SeedException wrongPassphrase(Path file, Secret passphrase, String passphraseSetting) {
        String source = passphrase != null && passphrase.source() != null ? " from " + passphrase.source() : "";
        return SeedException.badInput("wrong passphrase for " + file + ": the passphrase" + source + " (" + passphraseSetting
                + ") does not decrypt it; set the right one");
    }

    static String certificates(List<X509Certificate> chain) {
        List<PemObject> objects = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            objects.add(new PemObject("CERTIFICATE", Crypto.encoded(certificate)));
        }
        return write(objects);
    }

    static String certificateRequest(PKCS10CertificationRequest request) {
        try {
            return write(List.of(new PemObject("CERTIFICATE REQUEST", request.getEncoded())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY" (with its public key), as openssl writes them. */
    static String traditional(PrivateKey key, PublicKey publicKey) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            if (key instanceof RSAPrivateKey) {
                return write(List.of(new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded())));
            }
            if (key instanceof ECPrivateKey ec) {
                SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
                ASN1BitString point = new DERBitString(spki.getPublicKeyData().getBytes());
                org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                        ec.getParams().getOrder().bitLength(), ec.getS(), point, info.getPrivateKeyAlgorithm().getParameters());
                return write(List.of(new PemObject("EC PRIVATE KEY", sec1.getEncoded())));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("only RSA and EC keys are written");
    }

    /** PKCS#8, encrypted when a passphrase is given. */
    static String pkcs8(PrivateKey key, Secret passphrase, SecureRandom random) {
        if (passphrase == null || passphrase.isEmpty()) {
            return write(List.of(new PemObject("PRIVATE KEY", key.getEncoded())));
        }
        try {
            OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(Crypto.PROVIDER)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(PBKDF2_ITERATIONS)
                    .setRandom(random)
                    .setPassword(passphrase.reveal().toCharArray())
                    .build();
            return write(List.of(new PKCS8Generator(PrivateKeyInfo.getInstance(key.getEncoded()), encryptor).generate()));
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot encrypt a private key: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String write(List<PemObject> objects) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            for (PemObject object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}
