package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode.RawScalar.Kind;
import io.seedbootstrap.bind.source.RawNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an INI value the way Ansible's INI plugin does: with Python's {@code ast.literal_eval}
 * (numbers, quoted strings, True/False/None, lists, tuples, dicts, sets), and the raw text when
 * that fails. Two liberties, both documented in docs/formats.md: JSON's {@code true}, {@code
 * false} and {@code null} are read too (so {@code '{"a": true}'} is a dict, not a string), and a
 * {@code #} outside a string ends the value, as it does in Python.
 *
 * <p>Every node gets the one position of the value in the INI file: a value sits on one line.
 */
final class PythonLiteral {
    private static final int MAX_DEPTH = 32;
    private static final Pattern FLOAT = Pattern.compile(
            "(?:\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*(?:[eE][+-]?\\d(?:_?\\d)*)?"
                    + "|\\d(?:_?\\d)*\\.(?:[eE][+-]?\\d(?:_?\\d)*)?"
                    + "|\\d(?:_?\\d)*[eE][+-]?\\d(?:_?\\d)*");
    private static final Pattern INTEGER = Pattern.compile(
            "0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\\d)*|0(?:_?0)*");

    private final String text;
    private final Position at;
    private int index;

    private PythonLiteral(String text, Position at) {
        this.text = text;
        this.at = at;
    }

    /** The value as a tree when the whole text is a literal, else null (the caller keeps the text). */
    static RawNode parse(String text, Position at) {
        PythonLiteral parser = new PythonLiteral(text, at);
        try {
            parser.skipSpace();
            RawNode first = parser.value(0);
            parser.skipSpace();
            if (parser.peek() == ',') { // "1, 2" is a tuple in Python's eval mode
                List<RawNode> items = new ArrayList<>(List.of(first));
                while (parser.peek() == ',') {
                    parser.index++;
                    parser.skipSpace();
                    if (parser.atEnd()) {
                        break;
                    }
                    items.add(parser.value(0));
                    parser.skipSpace();
                }
                first = new RawNode.RawList(at, items);
            }
            return parser.atEnd() ? first : null;
        } catch (NotALiteral e) {
            return null;
        }
    }

    /** Thrown when the text is not a literal; cheap, no stack trace. */
    private static final class NotALiteral extends Exception {
        private static final NotALiteral INSTANCE = new NotALiteral();

        private NotALiteral() {
            super(null, null, false, false);
        }
    }

    private RawNode value(int depth) throws NotALiteral {
        if (depth > MAX_DEPTH) {
            throw NotALiteral.INSTANCE;
        }
        char c = peek();
        if (c == '[') {
            index++;
            return new RawNode.RawList(at, sequence(']', depth));
        }
        if (c == '(') {
            index++;
            skipSpace();
            if (peek() == ')') {
                index++;
                return new RawNode.RawList(at, List.of());
            }
            RawNode first = value(depth + 1);
            skipSpace();
            if (peek() == ')') { // parentheses around one value, not a tuple
                index++;
                return first;
            }
            expect(',');
            List<RawNode> items = new ArrayList<>(List.of(first));
            skipSpace();
            items.addAll(sequence(')', depth));
            return new RawNode.RawList(at, items);
        }
        if (c == '{') {
            index++;
            return braces(depth);
        }
        if (c == '"' || c == '\'' || startsPrefixedString()) {
            StringBuilder joined = new StringBuilder();
            do { // adjacent strings concatenate: 'a' "b" is "ab"
                joined.append(string());
                skipSpace();
            } while (peek() == '"' || peek() == '\'' || startsPrefixedString());
            return scalar(joined.toString(), Kind.STRING);
        }
        if (c == '-' || c == '+' || Character.isDigit(c) || (c == '.' && index + 1 < text.length() && Character.isDigit(text.charAt(index + 1)))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            String name = identifier();
            // kept as written: a password "True" stays "True" where text is expected
            return switch (name) {
                case "True", "true", "False", "false" -> scalar(name, Kind.BOOLEAN);
                case "None", "null" -> scalar(name, Kind.NULL);
                default -> throw NotALiteral.INSTANCE;
            };
        }
        throw NotALiteral.INSTANCE;
    }

    private List<RawNode> sequence(char close, int depth) throws NotALiteral {
        List<RawNode> items = new ArrayList<>();
        skipSpace();
        while (peek() != close) {
            items.add(value(depth + 1));
            skipSpace();
            if (peek() == ',') {
                index++;
                skipSpace();
            } else if (peek() != close) {
                throw NotALiteral.INSTANCE;
            }
        }
        index++;
        return items;
    }

    /** A dict {k: v} or a set {a, b} (a set becomes a list, in the order written). */
    private RawNode braces(int depth) throws NotALiteral {
        skipSpace();
        if (peek() == '}') {
            index++;
            return new RawNode.RawMap(at, Map.of());
        }
        RawNode first = value(depth + 1);
        skipSpace();
        if (peek() != ':') {
            List<RawNode> items = new ArrayList<>(List.of(first));
            if (peek() == ',') {
                index++;
                skipSpace();
                items.addAll(sequence('}', depth));
            } else {
                expect('}');
            }
            return new RawNode.RawList(at, items);
        }
        Map<String, RawNode.Entry> entries = new LinkedHashMap<>();
        RawNode key = first;
        while (true) {
            expect(':');
            skipSpace();
            RawNode item = value(depth + 1);
            String name = keyText(key);
            entries.remove(name); // a later key wins, as in a Python dict
            entries.put(name, new RawNode.Entry(name, at, item));
            skipSpace();
            if (peek() == ',') {
                index++;
                skipSpace();
            }
            if (peek() == '}') {
                index++;
                return new RawNode.RawMap(at, entries);
            }
            key = value(depth + 1);
            skipSpace();
        }
    }

    private static String keyText(RawNode key) throws NotALiteral {
        if (key instanceof RawNode.RawScalar scalar) {
            return scalar.text();
        }
        throw NotALiteral.INSTANCE; // lists are not hashable
    }

    private boolean startsPrefixedString() {
        int i = index;
        while (i < text.length() && i - index < 2 && "rRuUbB".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i > index && i < text.length() && (text.charAt(i) == '\'' || text.charAt(i) == '"');
    }

    private String string() throws NotALiteral {
        boolean raw = false;
        while ("rRuUbB".indexOf(peek()) >= 0) {
            raw |= peek() == 'r' || peek() == 'R';
            index++;
        }
        char quote = peek();
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), index);
        index += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw NotALiteral.INSTANCE;
            }
            char c = text.charAt(index);
            if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), index))) {
                index += triple ? 3 : 1;
                return out.toString();
            }
            if (c == '\\' && index + 1 < text.length()) {
                if (raw) {
                    out.append(c).append(text.charAt(index + 1));
                    index += 2;
                } else {
                    escape(out);
                }
                continue;
            }
            out.append(c);
            index++;
        }
    }

    private void escape(StringBuilder out) throws NotALiteral {
        char e = text.charAt(index + 1);
        index += 2;
        switch (e) {
            case '\\', '\'', '"' -> out.append(e);
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            default -> {
                if (e >= '0' && e <= '7') {
                    int value = e - '0';
                    for (int n = 0; n < 2 && index < text.length() && text.charAt(index) >= '0' && text.charAt(index) <= '7'; n++) {
                        value = value * 8 + text.charAt(index++) - '0';
                    }
                    out.append((char) value);
                } else {
                    out.append('\\').append(e); // Python keeps unknown escapes as written
                }
            }
        }
    }

    private int hex(int digits) throws NotALiteral {
        if (index + digits > text.length()) {
            throw NotALiteral.INSTANCE;
        }
        String hex = text.substring(index, index + digits);
        if (!hex.matches("[0-9a-fA-F]+")) {
            throw NotALiteral.INSTANCE;
        }
        index += digits;
        int value = (int) Long.parseLong(hex, 16);
        if (!Character.isValidCodePoint(value)) {
            throw NotALiteral.INSTANCE;
        }
        return value;
    }

    private RawNode number() throws NotALiteral {
        boolean negative = false;
        if (peek() == '-' || peek() == '+') {
            negative = peek() == '-';
            index++;
            skipSpace();
        }
        Matcher floating = FLOAT.matcher(text).region(index, text.length());
        Matcher integer = INTEGER.matcher(text).region(index, text.length());
        String sign = negative ? "-" : "";
        RawNode result;
        if (floating.lookingAt()) {
            index = floating.end();
            result = scalar(sign + floating.group().replace("_", ""), Kind.FLOAT);
        } else if (integer.lookingAt()) {
            index = integer.end();
            String digits = integer.group().replace("_", "");
            int radix = 10;
            if (digits.length() > 1 && Character.isLetter(digits.charAt(1))) {
                radix = switch (Character.toLowerCase(digits.charAt(1))) {
                    case 'x' -> 16;
                    case 'o' -> 8;
                    default -> 2;
                };
                digits = digits.substring(2);
            }
            BigInteger value = new BigInteger(digits, radix);
            result = scalar((negative ? value.negate() : value).toString(), Kind.INTEGER);
        } else {
            throw NotALiteral.INSTANCE;
        }
        if (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.')) {
            throw NotALiteral.INSTANCE; // 10.0.0.1, 1abc, 3j: not a number literal
        }
        return result;
    }

    private String identifier() {
        int start = index;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
            index++;
        }
        return text.substring(start, index);
    }

    private RawNode scalar(String value, Kind kind) {
        return new RawNode.RawScalar(at, value, kind);
    }

    private void expect(char c) throws NotALiteral {
        if (peek() != c) {
            throw NotALiteral.INSTANCE;
        }
        index++;
    }

    /** Spaces and tabs; a '#' outside a string starts a comment, which ends the input. */
    private void skipSpace() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
            index++;
        }
        if (!atEnd() && peek() == '#') {
            index = text.length();
        }
    }

    private char peek() {
        return atEnd() ? '\0' : text.charAt(index);
    }

    private boolean atEnd() {
        return index >= text.length();
    }
}
