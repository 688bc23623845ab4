package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible host patterns: {@code name}, {@code name:port}, {@code [v6addr]:port}, and ranges
 * {@code node[01:03]}, {@code db-[a:c]}, {@code web[1:10:2]} (numeric ranges keep the begin's
 * zero padding; letters run over a-z then A-Z as in Ansible). Unlike Ansible, a range that
 * yields nothing ({@code [3:1]}) is an error rather than no hosts.
 */
final class HostPatterns {
    static final int MAX_HOSTS = 4096;
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Pattern BRACKETED_V6 = Pattern.compile("^\\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)](?::([0-9]+))?$");

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern STEP = Pattern.compile("[0-9]{1,4}");
    private static final Pattern BOUND = Pattern.compile("[0-9]{1,9}");

    private HostPatterns() {}

    /** The hosts a pattern stands for and the port it names (or null); null when it is malformed. */
    record Expansion(List<String> hosts, Integer port) {}

    static Expansion expand(String pattern, Position at, Diagnostics diagnostics) {
        if (pattern.isEmpty()) {
            diagnostics.error(at, "", "empty host name");
            return null;
        }
        Matcher v6 = BRACKETED_V6.matcher(pattern);
        if (v6.matches()) {
            Integer port = v6.group(2) == null ? null : port(v6.group(2), pattern, at, diagnostics);
            return v6.group(2) != null && port == null ? null : new Expansion(List.of(v6.group(1)), port);
        }
        if (pattern.endsWith(":")) {
            diagnostics.error(at, "", "host pattern \"" + pattern + "\" ends with ':'; write name:port with the port number, or drop the ':'");
            return null;
        }
        List<Integer> colons = colonsOutsideBrackets(pattern);
        String names = pattern;
        Integer port = null;
        if (colons.size() == 1) {
            int colon = colons.get(0);
            names = pattern.substring(0, colon);
            port = port(pattern.substring(colon + 1), pattern, at, diagnostics);
            if (port == null) {
                return null;
            }
        } else if (colons.size() > 1 && !io.seedbootstrap.bind.NetAddresses.isIp(pattern)) {
            diagnostics.error(at, "", "host pattern \"" + pattern + "\" has several ':' but is not an IPv6 address; "
                    + "write name or name:port");
            return null;
        }
        List<String> hosts = new ArrayList<>();
        if (!expandRanges(names, pattern, at, diagnostics, hosts)) {
            return null;
        }
        return new Expansion(List.copyOf(hosts), port);
    }

    private static Integer port(String text, String pattern, Position at, Diagnostics diagnostics) {
        if (!PORT.matcher(text).matches() || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            diagnostics.error(at, "", "host pattern \"" + pattern + "\": \"" + text
                    + "\" after ':' is not a port number (1-65535)");
            return null;
        }
        return Integer.parseInt(text);
    }

    private static List<Integer> colonsOutsideBrackets(String pattern) {
        List<Integer> colons = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == ':' && depth == 0) {
                colons.add(i);
            }
        }
        return colons;
    }

    private static boolean expandRanges(String names, String pattern, Position at, Diagnostics diagnostics, List<String> out) {
        int open = names.indexOf('[');
        int close = names.indexOf(']');
        if (open < 0) {
            if (close >= 0) {
                return fail(at, pattern, "has a ']' without '['", diagnostics);
            }
            out.add(names);
            return true;
        }
        if (close < open) {
            return fail(at, pattern, "has a '[' without its closing ']'", diagnostics);
        }
        String head = names.substring(0, open);
        String tail = names.substring(close + 1);
        String[] bounds = names.substring(open + 1, close).split(":", -1);
        String range = "[" + names.substring(open + 1, close) + "]";
        if (bounds.length != 2 && bounds.length != 3) {
            return fail(at, pattern, "has the range " + range + "; a range is [begin:end] or [begin:end:step], e.g. node[01:03]", diagnostics);
        }
        String begin = bounds[0].isEmpty() ? "0" : bounds[0];
        String end = bounds[1];
        if (end.isEmpty()) {
            return fail(at, pattern, "has the range " + range + " without an end", diagnostics);
        }
        int step = 1;
        if (bounds.length == 3) {
            if (!STEP.matcher(bounds[2]).matches() || Integer.parseInt(bounds[2]) == 0) {
                return fail(at, pattern, "has the range " + range + " whose step is not a positive number", diagnostics);
            }
            step = Integer.parseInt(bounds[2]);
        }
        List<String> items = new ArrayList<>();
        if (begin.length() == 1 && end.length() == 1 && LETTERS.indexOf(begin.charAt(0)) >= 0 && LETTERS.indexOf(end.charAt(0)) >= 0) {
            int from = LETTERS.indexOf(begin.charAt(0));
            int to = LETTERS.indexOf(end.charAt(0));
            if (from > to) {
                return fail(at, pattern, "has the range " + range + " that is empty: it begins after it ends", diagnostics);
            }
            for (int i = from; i <= to; i += step) {
                items.add(String.valueOf(LETTERS.charAt(i)));
            }
        } else if (BOUND.matcher(begin).matches() && BOUND.matcher(end).matches()) {
            boolean padded = begin.length() > 1 && begin.charAt(0) == '0';
            if (padded && begin.length() != end.length()) {
                return fail(at, pattern, "has the range " + range + " whose zero-padded begin and end differ in length; "
                        + "write both with the same number of digits, e.g. [01:10]", diagnostics);
            }
            long from = Long.parseLong(begin);
            long to = Long.parseLong(end);
            if (from > to) {
                return fail(at, pattern, "has the range " + range + " that is empty: it begins after it ends", diagnostics);
            }
            if ((to - from) / step + 1 > MAX_HOSTS) {
                return fail(at, pattern, "expands to more than " + MAX_HOSTS + " hosts", diagnostics);
            }
            for (long i = from; i <= to; i += step) {
                String number = Long.toString(i);
                items.add(padded ? "0".repeat(Math.max(0, begin.length() - number.length())) + number : number);
            }
        } else {
            return fail(at, pattern, "has the range " + range + "; its bounds must both be numbers (01:10) or both single letters (a:f)", diagnostics);
        }
        for (String item : items) {
            if (out.size() >= MAX_HOSTS) {
                return fail(at, pattern, "expands to more than " + MAX_HOSTS + " hosts", diagnostics);
            }
            if (!expandRanges(head + item + tail, pattern, at, diagnostics, out)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fail(Position at, String pattern, String problem, Diagnostics diagnostics) {
        diagnostics.error(at, "", "host pattern \"" + pattern + "\" " + problem);
        return false;
    }
}
