package io.seedbootstrap.pki.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Issues CA certificates, server leaves and certificate requests: SHA-256 signatures, random
 * positive 16-byte serials, subjectKeyIdentifier = SHA-1 of the public key, and an
 * authorityKeyIdentifier holding only the issuer's key identifier (contract B.2).
 */
final class CertificateIssuer {
    /** Backdating absorbs clocks of nodes that run a little behind the operator's machine. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private final Clock clock;
    private final SecureRandom random;

    CertificateIssuer(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    X509Certificate selfSignedCa(X500Name subject, KeyPair keys, int days, CaProfile profile) {
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(Duration.ofDays(days))), subject, keys.getPublic());
        try {
            SubjectKeyIdentifier ski = extensionUtils().createSubjectKeyIdentifier(keys.getPublic());
            builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
            addCaExtensions(builder, profile);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, keys.getPrivate());
    }

    X509Certificate ca(X500Name subject, PublicKey subjectKey, CaMaterial issuer, int days, CaProfile profile) {
        X509v3CertificateBuilder builder = childBuilder(subject, subjectKey, issuer, days);
        try {
            addCaExtensions(builder, profile);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, issuer.key());
    }

    /** A TLS server certificate for one DNS name (Rancher's and ArgoCD's ingress). */
    X509Certificate serverLeaf(String hostname, X500Name subject, PublicKey subjectKey, CaMaterial issuer, int days) {
        X509v3CertificateBuilder builder = childBuilder(subject, subjectKey, issuer, days);
        int usage = KeyUsage.digitalSignature | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, issuer.key());
    }

    /** A request for a CA certificate, asking for the profile's extensions. */
    PKCS10CertificationRequest caRequest(X500Name subject, KeyPair keys, CaProfile profile) {
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.basicConstraints, true, profile.basicConstraints());
            extensions.addExtension(Extension.keyUsage, true, profile.keyUsage());
            extensions.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(signer(keys.getPrivate()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509v3CertificateBuilder childBuilder(X500Name subject, PublicKey subjectKey, CaMaterial issuer, int days) {
        Instant now = clock.instant();
        Date notAfter = Date.from(now.plus(Duration.ofDays(days)));
        if (notAfter.after(issuer.certificate().getNotAfter())) {
            notAfter = issuer.certificate().getNotAfter();
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.certificate(), serial(), Date.from(now.minus(BACKDATE)),
                notAfter, subject, subjectKey);
        try {
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer.certificate()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return builder;
    }

    private static void addCaExtensions(X509v3CertificateBuilder builder, CaProfile profile) throws IOException {
        builder.addExtension(Extension.basicConstraints, true, profile.basicConstraints());
        builder.addExtension(Extension.keyUsage, true, profile.keyUsage());
    }

    /** The issuer's own subjectKeyIdentifier when it has one (imported CAs may use another method than SHA-1). */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) throws IOException {
        byte[] value = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (value != null) {
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value));
            return new AuthorityKeyIdentifier(ski.getKeyIdentifier());
        }
        return new AuthorityKeyIdentifier(extensionUtils().createSubjectKeyIdentifier(issuer.getPublicKey()).getKeyIdentifier());
    }

    private BigInteger serial() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[0] &= 0x7f;
        BigInteger serial = new BigInteger(bytes);
        return serial.signum() == 0 ? BigInteger.ONE : serial;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(key)));
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(Crypto.signatureAlgorithm(key)).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
