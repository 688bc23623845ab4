package io.seedbootstrap.pki.password;

import io.seedbootstrap.support.Secret;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt hashes for application passwords (ArgoCD's {@code admin.password}, contract F.1: a
 * {@code $2a$} hash, as {@code argocd account bcrypt} writes). Under pki because BouncyCastle stays
 * there.
 */
public final class PasswordHashes {
    /** ArgoCD's own cost (argocd account bcrypt, htpasswd -B -C 10). */
    public static final int COST = 10;

    private PasswordHashes() {}

    /** A {@code $2a$10$...} hash with a fresh salt; the hash is not secret, the password is. */
    public static String bcrypt(Secret password, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", password.reveal().toCharArray(), salt, COST);
    }

    public static boolean matches(String hash, Secret password) {
        return OpenBSDBCrypt.checkPassword(hash, password.reveal().toCharArray());
    }
}
