package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    @Test
    void plainWordsStayAsTheyAre() {
        assertEquals("systemctl restart rke2-server.service", ShellQuote.join("systemctl", "restart", "rke2-server.service"));
        assertEquals("/var/lib/rancher/rke2/agent/images/a_b-c.tar.zst", ShellQuote.quote("/var/lib/rancher/rke2/agent/images/a_b-c.tar.zst"));
        assertEquals("key=value:NoSchedule", ShellQuote.quote("key=value:NoSchedule"));
    }

    @Test
    void everythingElseIsSingleQuoted() {
        assertEquals("''", ShellQuote.quote(""));
        assertEquals("'a b'", ShellQuote.quote("a b"));
        assertEquals("'it'\\''s'", ShellQuote.quote("it's"));
        assertEquals("'$HOME `id` \"x\" \\ ; & | > * ?'", ShellQuote.quote("$HOME `id` \"x\" \\ ; & | > * ?"));
        assertEquals("'line1\nline2'", ShellQuote.quote("line1\nline2"));
        assertEquals("'~root'", ShellQuote.quote("~root"));
    }

    @Test
    void nulAndEmptyCommandsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ShellQuote.quote("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> ShellQuote.join(List.of()));
    }

    @Test
    void theShellGetsBackExactlyTheArguments() throws Exception {
        List<String> nasty = List.of("plain", "", "two words", "it's", "\"dq\"", "$(touch /tmp/pwned)", "`id`",
                "a\\b", "tab\there", "new\nline", "*", "~", "-e", "ünïcødé", "'", "''", "x'y'z");
        // printf '%s\0' prints each argument NUL-terminated, exactly as the shell passed it
        String script = "printf '%s\\0' " + ShellQuote.join(nasty);
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(nasty, List.of(out.substring(0, out.length() - 1).split("\0", -1)));
    }
}
