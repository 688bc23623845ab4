package io.seedbootstrap.pki.ca;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Whether a host name can be a dNSName subjectAltName (RFC 5280 4.2.1.6, RFC 1123 labels). */
public final class DnsNames {
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private DnsNames() {}

    /** The reason the name cannot be a DNS SAN, or empty when it can. A leading "*." is a wildcard. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("it is empty");
        }
        String text = name.toLowerCase(Locale.ROOT);
        if (text.length() > 253) {
            return Optional.of("it is longer than 253 characters");
        }
        if (text.endsWith(".")) {
            return Optional.of("it ends with a dot; write the name without it");
        }
        if (text.matches("^[0-9.]+$") || text.contains(":")) {
            return Optional.of("it is an IP address, not a DNS name");
        }
        String[] labels = text.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (i == 0 && label.equals("*") && labels.length > 2) {
                continue;
            }
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("label \"" + label + "\" is not letters, digits and '-' (1 to 63, not starting or ending with '-')");
            }
        }
        return Optional.empty();
    }

    /** The canonical (lower-case) form. */
    public static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
