package io.seedbootstrap.support;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * POSIX shell quoting for commands run on hosts. Every argument that is not made only of
 * characters the shell never interprets is put in single quotes, with embedded single quotes
 * written as {@code '\''}. The result is safe for {@code sh -c}, bash and dash alike.
 */
public final class ShellQuote {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {}

    /** One argument, quoted when needed. A NUL cannot be passed to a program and is refused. */
    public static String quote(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell argument cannot contain NUL");
        }
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** A command line from argv: each argument quoted, joined by spaces. */
    public static String join(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return argv.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }

    public static String join(String... argv) {
        return join(Arrays.asList(argv));
    }
}
