package io.seedbootstrap.inventory.ansible;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an INI host line into words the way Ansible does (Python's shlex in POSIX mode with
 * comments): whitespace separates words, 'single' and "double" quotes group (only \" and \\ are
 * escapes inside double quotes, nothing inside single ones), a backslash outside quotes escapes
 * the next character, and a # outside quotes ends the line, even in the middle of a word.
 * Every character keeps its column, so a value's position is where it starts in the file.
 */
final class HostLineLexer {
    private HostLineLexer() {}

    /** A word without its quotes; columns[i] is the 1-based column of text.charAt(i). */
    record Word(String text, int column, int[] columns) {
        /** The column of the character at index, or just past the word's end. */
        int columnAt(int index) {
            if (index < columns.length) {
                return columns[index];
            }
            return columns.length == 0 ? column : columns[columns.length - 1] + 1;
        }
    }

    /**
     * The words of the line, or an error. {@code cutComment} is the column of a # that ended a
     * word in the middle (Ansible drops the rest of the line; a value may be shorter than it looks).
     */
    record Result(List<Word> words, int cutComment, String error, int errorColumn) {}

    static Result split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<Integer> columns = new ArrayList<>();
        int start = -1;
        char quote = 0;
        int quoteColumn = 0;
        int cut = 0;
        int i = 0;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            int column = i + 1;
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    text.append(c);
                    columns.add(column);
                }
                continue;
            }
            if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    text.append(line.charAt(++i));
                    columns.add(i + 1);
                } else {
                    text.append(c);
                    columns.add(column);
                }
                continue;
            }
            if (c == ' ' || c == '\t') {
                if (start >= 0) {
                    words.add(word(text, start, columns));
                    start = -1;
                }
                continue;
            }
            if (c == '#') {
                if (start >= 0) {
                    cut = column;
                }
                break;
            }
            if (start < 0) {
                start = column;
                text.setLength(0);
                columns.clear();
            }
            if (c == '\'' || c == '"') {
                quote = c;
                quoteColumn = column;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    return new Result(List.of(), 0, "the line ends with a backslash that escapes nothing", column);
                }
                text.append(line.charAt(++i));
                columns.add(i + 1);
            } else {
                text.append(c);
                columns.add(column);
            }
        }
        if (quote != 0) {
            return new Result(List.of(), 0, "the " + (quote == '"' ? "double" : "single") + " quote opened here is never closed; "
                    + "close it on the same line", quoteColumn);
        }
        if (start >= 0) {
            words.add(word(text, start, columns));
        }
        return new Result(words, cut, null, 0);
    }

    private static Word word(StringBuilder text, int start, List<Integer> columns) {
        return new Word(text.toString(), start, columns.stream().mapToInt(Integer::intValue).toArray());
    }
}
