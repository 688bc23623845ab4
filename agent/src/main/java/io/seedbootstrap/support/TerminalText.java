package io.seedbootstrap.support;

import java.io.ByteArrayOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The one place text is made safe for a terminal: control characters that a terminal would act
 * on (ESC sequences, CSI, BEL, backspace, carriage return, the C1 controls) and the Unicode
 * direction overrides that reorder what is shown are written as backslash-u escapes ({@code \\u001b}).
 * Untrusted strings — bundle manifest paths, {@code createdBy}, the signature file's algorithm,
 * an archive's names, host output — reach stdout and stderr through {@link #writer}, which every
 * command's output goes through (RootCommand), and the run log through {@link #escape}. Line
 * breaks and tabs stay. That form is also a valid escape inside a JSON string,
 * so {@code -o json} output stays valid and decodes to the original text.
 */
public final class TerminalText {
    private TerminalText() {}

    /** True for a character a terminal must not receive raw. */
    static boolean unsafe(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }

    /** The text with every unsafe character as a backslash-u escape; null stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                appendEscape(out, c);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static void appendEscape(StringBuilder out, char c) {
        out.append(String.format("\\u%04x", (int) c));
    }

    /**
     * A byte stream for {@link System#setErr}: what libraries log there (slf4j-simple's lines,
     * which may quote a host's disconnect message) is decoded as UTF-8 a line at a time and
     * escaped before it reaches {@code raw}.
     */
    public static OutputStream stream(PrintStream raw) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    emit();
                }
            }

            @Override
            public synchronized void flush() {
                emit();
                raw.flush();
            }

            private void emit() {
                if (line.size() > 0) {
                    raw.print(escape(line.toString(StandardCharsets.UTF_8)));
                    line.reset();
                }
            }
        };
    }

    /** A writer that escapes everything written through it before it reaches {@code out}. */
    public static Writer writer(Writer out) {
        return new FilterWriter(out) {
            @Override
            public void write(int c) throws IOException {
                if (unsafe((char) c)) {
                    out.write(escape(String.valueOf((char) c)));
                } else {
                    out.write(c);
                }
            }

            @Override
            public void write(char[] chars, int off, int len) throws IOException {
                out.write(escape(new String(chars, off, len)));
            }

            @Override
            public void write(String text, int off, int len) throws IOException {
                out.write(escape(text.substring(off, off + len)));
            }
        };
    }
}
