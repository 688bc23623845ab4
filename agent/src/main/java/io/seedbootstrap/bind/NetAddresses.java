package io.seedbootstrap.bind;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Literal IP parsing without DNS: InetAddress.getByName would resolve host names, so input is
 * first checked to be an address literal.
 */
public final class NetAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");

    private NetAddresses() {}

    public static boolean isIp(String text) {
        return parseIp(text) != null;
    }

    /** The address, or null when the text is not an IPv4/IPv6 literal. */
    public static InetAddress parseIp(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = text.contains(":") && IPV6_CHARS.matcher(text).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An inclusive address range [first, last] as numbers, with the address family's width. */
    public record Span(BigInteger first, BigInteger last, int bits) {
        public boolean overlaps(Span other) {
            return bits == other.bits && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
        }

        public boolean contains(InetAddress address) {
            BigInteger value = new BigInteger(1, address.getAddress());
            return address.getAddress().length * 8 == bits && first.compareTo(value) <= 0 && value.compareTo(last) <= 0;
        }
    }

    public static Span parseCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        InetAddress base = parseIp(text.substring(0, slash));
        String prefixText = text.substring(slash + 1);
        if (base == null || !prefixText.matches("^[0-9]{1,3}$")) {
            return null;
        }
        int bits = base.getAddress().length * 8;
        int prefix = Integer.parseInt(prefixText);
        if (prefix > bits) {
            return null;
        }
        BigInteger value = new BigInteger(1, base.getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        BigInteger first = value.andNot(hostMask);
        return new Span(first, first.or(hostMask), bits);
    }

    public static Span parseRange(String text) {
        int dash = text.indexOf('-');
        if (dash < 0) {
            return null;
        }
        InetAddress first = parseIp(text.substring(0, dash).trim());
        InetAddress last = parseIp(text.substring(dash + 1).trim());
        if (first == null || last == null || first.getAddress().length != last.getAddress().length) {
            return null;
        }
        BigInteger a = new BigInteger(1, first.getAddress());
        BigInteger b = new BigInteger(1, last.getAddress());
        return a.compareTo(b) > 0 ? null : new Span(a, b, first.getAddress().length * 8);
    }

    /** A CIDR or a first-last range, or null. */
    public static Span parseSpan(String text) {
        Span cidr = parseCidr(text);
        return cidr != null ? cidr : parseRange(text);
    }
}
