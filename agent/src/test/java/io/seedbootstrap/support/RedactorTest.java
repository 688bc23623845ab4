package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void everyOccurrenceOfEverySecretIsMasked() {
        Redactor r = Redactor.of(Secret.fromEnv("hunter22", "SUDO_PW"), Secret.literal("tok-123456"));
        assertEquals("pw <redacted> and <redacted>, again <redacted>", r.redact("pw hunter22 and tok-123456, again hunter22"));
        assertTrue(r.leaks("xx hunter22 yy"));
        assertFalse(r.leaks(r.redact("xx hunter22 yy")));
        assertNull(r.redact(null));
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        Redactor r = Redactor.of(List.of(Secret.literal("abcd"), Secret.literal("abcdefgh")));
        assertEquals("<redacted>", r.redact("abcdefgh"));
    }

    @Test
    void tinyOrMissingSecretsAreIgnoredAndWithReturnsANewRedactor() {
        Redactor none = Redactor.of(Secret.literal("ab"), null);
        assertEquals("ab cd", none.redact("ab cd"));
        Redactor more = none.with(List.of(Secret.literal("cdef")));
        assertEquals("ab cd", none.redact("ab cd"));
        assertEquals("x <redacted>", more.redact("x cdef"));
    }

    @Test
    void secretsThemselvesPrintRedacted() {
        assertEquals("<redacted> (from $SUDO_PW)", String.valueOf(Secret.fromEnv("hunter22", "SUDO_PW")));
    }
}
