package io.seedbootstrap.bind;

import java.net.URI;
import java.util.regex.Pattern;

/** The text forms the inventory checks, each with the phrase used in error messages. */
public enum TextFormat {
    /** RFC 1123 label: cluster and node names. */
    DNS_LABEL("an RFC 1123 name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
            "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"),
    /** RFC 1123 host name (dotted labels). */
    HOSTNAME("an RFC 1123 host name such as rancher.example.internal", null),
    IP("an IPv4 or IPv6 address", null),
    /** A host name or an IP address. */
    HOST("a host name (RFC 1123) or an IP address", null),
    /** A host name or IP with an optional :port. */
    HOST_PORT("host[:port], for example registry.example.internal:5000", null),
    CIDR("a CIDR such as 10.42.0.0/16", null),
    /** MetalLB address: a CIDR or a range "first-last". */
    IP_RANGE("a CIDR (10.0.10.0/28) or a range (10.0.10.240-10.0.10.250)", null),
    RKE2_VERSION("an RKE2 release such as v1.35.7+rke2r1", "^v1\\.[0-9]+\\.[0-9]+\\+rke2r[0-9]+$"),
    /** OpenSSH-style SHA256 fingerprint. */
    FINGERPRINT("a SHA256 fingerprint as ssh-keygen -lf prints it, e.g. SHA256:Ab3...(43 characters)",
            "^SHA256:[A-Za-z0-9+/]{43}=?$"),
    /** Lower-case hex SHA-256 of a file, as sha256sum prints it. */
    SHA256_HEX("a SHA-256 in lower-case hex (64 characters, as sha256sum prints it)", "^[0-9a-f]{64}$"),
    /** A container image manifest digest. */
    IMAGE_DIGEST("an image digest such as sha256:3f2a... (64 lower-case hex characters)", "^sha256:[0-9a-f]{64}$"),
    URL("an absolute URL such as https://git.example.internal/platform/fleet.git", null),
    /** Environment variable name. */
    ENV_NAME("an environment variable name such as SEED_SUDO_PASSWORD", "^[A-Za-z_][A-Za-z0-9_]*$"),
    /** Kubernetes label key (optional DNS prefix + name). */
    LABEL_KEY("a Kubernetes label key such as app/cert-manager or node-role.example.com/edge", null),
    /** Kubernetes annotation key: the same qualified-name syntax as a label key (apimachinery ValidateAnnotations). */
    ANNOTATION_KEY("a Kubernetes annotation key such as catalog.seed-bootstrap.io/traefik-load-balancer-ip", null),
    /** key=value:Effect. */
    TAINT("a taint key=value:Effect or key:Effect, Effect one of NoSchedule, PreferNoSchedule, NoExecute",
            "^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?(=[A-Za-z0-9._-]{0,63})?:(NoSchedule|PreferNoSchedule|NoExecute)$"),
    /** Five-field cron expression. */
    CRON("a five-field cron expression such as \"0 */6 * * *\"", "^\\S+(\\s+\\S+){4}$");

    private final String description;
    private final Pattern pattern;

    TextFormat(String description, String regex) {
        this.description = description;
        this.pattern = regex == null ? null : Pattern.compile(regex);
    }

    public String description() {
        return description;
    }

    /** The regular expression published in the JSON Schema, when the format has one. */
    public String regex() {
        return pattern == null ? null : pattern.pattern();
    }

    private static final Pattern HOST_LABEL = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$");
    private static final Pattern LABEL_NAME = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");

    public boolean matches(String text) {
        return switch (this) {
            case HOSTNAME -> isHostname(text);
            case IP -> NetAddresses.isIp(text);
            case HOST -> NetAddresses.isIp(text) || isHostname(text);
            case HOST_PORT -> isHostPort(text);
            case CIDR -> NetAddresses.parseCidr(text) != null;
            case IP_RANGE -> NetAddresses.parseCidr(text) != null || NetAddresses.parseRange(text) != null;
            case URL -> isUrl(text);
            case LABEL_KEY, ANNOTATION_KEY -> isLabelKey(text);
            default -> pattern.matcher(text).matches();
        };
    }

    static boolean isHostname(String text) {
        if (text.isEmpty() || text.length() > 253 || text.endsWith(".")) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // all-numeric dotted names are malformed IPs, not host names
        return !text.matches("^[0-9.]+$");
    }

    private static boolean isHostPort(String text) {
        String host = text;
        int colon = text.lastIndexOf(':');
        if (colon > 0 && !text.startsWith("[")) {
            host = text.substring(0, colon);
            String port = text.substring(colon + 1);
            if (!port.matches("^[0-9]{1,5}$") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
                return false;
            }
        }
        return isHostname(host) || NetAddresses.isIp(host);
    }

    private static boolean isUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && uri.getScheme() != null
                    && (uri.getHost() != null || "file".equals(uri.getScheme()) || text.startsWith("ssh://") || text.contains("@"));
        } catch (java.net.URISyntaxException e) {
            // scp-like git URLs (git@host:path) are not URIs but are valid repo addresses
            return text.matches("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+$");
        }
    }

    private static boolean isLabelKey(String text) {
        int slash = text.indexOf('/');
        String name = slash < 0 ? text : text.substring(slash + 1);
        if (slash >= 0 && !isHostname(text.substring(0, slash))) {
            return false;
        }
        return LABEL_NAME.matcher(name).matches();
    }
}
