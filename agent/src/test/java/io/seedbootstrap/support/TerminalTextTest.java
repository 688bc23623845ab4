package io.seedbootstrap.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void controlSequencesAreWrittenAsEscapes() {
        assertEquals("\\u001b]0;owned\\u0007\\u001b[2J", TerminalText.escape("\u001b]0;owned\u0007\u001b[2J"));
        assertEquals("a\\u000db\\u0008\\u007f\\u009b31m", TerminalText.escape("a\rb\b\u007f\u009b31m"), "CR, backspace, DEL, C1 CSI");
        assertEquals("evil\\u202etxt.exe", TerminalText.escape("evil\u202etxt.exe"), "a direction override");
    }

    @Test
    void ordinaryTextIsUnchanged() {
        String text = "line 1\n\tétoile ✓ 日本 \\ \"quoted\"";
        assertSame(text, TerminalText.escape(text));
    }

    @Test
    void theWriterAndTheStreamEscapeWhatPassesThem() {
        StringWriter sink = new StringWriter();
        PrintWriter out = new PrintWriter(TerminalText.writer(sink), true);
        out.print('\u001b');
        out.println("[31mred\u001b[0m é");
        assertEquals("\\u001b[31mred\\u001b[0m é" + System.lineSeparator(), sink.toString());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(TerminalText.stream(new PrintStream(bytes, true, StandardCharsets.UTF_8)), true, StandardCharsets.UTF_8);
        err.println("disconnect: \u001b[2Jgone é");
        assertEquals("disconnect: \\u001b[2Jgone é\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
