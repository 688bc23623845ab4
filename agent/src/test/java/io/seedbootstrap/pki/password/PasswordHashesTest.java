package io.seedbootstrap.pki.password;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.support.Secret;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {
    @Test
    void bcryptHashAsArgoCdWantsItVerifiesOnlyTheRightPassword() {
        Secret password = Secret.literal("s3cret-Admin!");
        String hash = PasswordHashes.bcrypt(password, new SecureRandom());
        // contract F.1: $2a$ hashes (argocd account bcrypt), cost 10
        assertTrue(hash.startsWith("$2a$10$"), hash);
        assertFalse(hash.contains("s3cret"));
        assertTrue(PasswordHashes.matches(hash, password));
        assertFalse(PasswordHashes.matches(hash, Secret.literal("s3cret-Admin?")));
        assertNotEquals(hash, PasswordHashes.bcrypt(password, new SecureRandom()), "a fresh salt each time");
    }
}
