package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class JoinTokenTest {
    private static final String HASH = "ab".repeat(32);

    @Test
    void fullTokensRoundTripAndNeverPrintTheirSecret() {
        JoinToken token = JoinToken.generate(HASH, JoinToken.AGENT_USER, new SecureRandom());
        String content = token.fileContent();
        assertTrue(content.matches("^K10" + HASH + "::node:[0-9a-f]{64}\\n$"), content);
        JoinToken parsed = JoinToken.parse(content).orElseThrow();
        assertEquals(token.secret(), parsed.secret());
        assertEquals("node", parsed.user());
        assertFalse(token.toString().contains(token.secret().reveal()), token.toString());
        assertEquals("K10" + HASH + "::node:<redacted>", token.toString());
    }

    @Test
    void shortOrMalformedTokensAreNotFullTokens() {
        assertTrue(JoinToken.parse("just-a-password").isEmpty());
        assertTrue(JoinToken.parse("K10abc::server:x").isEmpty(), "hash must be 64 hex characters");
        assertTrue(JoinToken.parse("K10" + HASH + "::server:").isEmpty(), "empty secret");
        assertTrue(JoinToken.parse("K10" + HASH + "::server:two words").isEmpty());
    }

    @Test
    void twoGeneratedSecretsDiffer() {
        SecureRandom random = new SecureRandom();
        assertFalse(JoinToken.generate(HASH, "server", random).secret().equals(JoinToken.generate(HASH, "server", random).secret()));
    }
}
