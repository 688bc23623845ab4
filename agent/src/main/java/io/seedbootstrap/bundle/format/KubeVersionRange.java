package io.seedbootstrap.bundle.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Helm chart's {@code kubeVersion} range, in the Masterminds semver syntax Helm evaluates:
 * comparators {@code = != > < >= <= ~ ^}, x-ranges ({@code 1.35.x}, {@code 1.*}), hyphen ranges
 * ({@code 1.30 - 1.35}), AND by space or comma, OR by {@code ||}. As in Masterminds v3, a
 * version with a prerelease only satisfies a range whose comparators carry a prerelease too.
 */
public final class KubeVersionRange {
    private static final Pattern COMPARATOR = Pattern.compile(
            "^(=|!=|>=|<=|>|<|~>|~|\\^)?\\s*v?([0-9]+|[xX*])(?:\\.([0-9]+|[xX*]))?(?:\\.([0-9]+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?$");
    private static final Pattern HYPHEN = Pattern.compile("^(\\S+)\\s+-\\s+(\\S+)$");

    private record Bound(String op, SemVer version) {
        boolean test(SemVer v) {
            int c = v.compareTo(version);
            return switch (op) {
                case "=" -> c == 0;
                case "!=" -> c != 0;
                case ">" -> c > 0;
                case "<" -> c < 0;
                case ">=" -> c >= 0;
                case "<=" -> c <= 0;
                default -> throw new IllegalStateException(op);
            };
        }
    }

    private record Group(List<Bound> bounds, boolean allowsPrerelease) {}

    private final String text;
    private final List<Group> groups;

    private KubeVersionRange(String text, List<Group> groups) {
        this.text = text;
        this.groups = groups;
    }

    /** Parses a range; empty with a reason when it is not valid syntax. */
    public static KubeVersionRange parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not a version range: \"" + text + "\""));
    }

    public static Optional<KubeVersionRange> tryParse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        List<Group> groups = new ArrayList<>();
        for (String alternative : text.split("\\|\\|", -1)) {
            Optional<Group> group = parseGroup(alternative.trim());
            if (group.isEmpty()) {
                return Optional.empty();
            }
            groups.add(group.get());
        }
        return Optional.of(new KubeVersionRange(text.trim(), List.copyOf(groups)));
    }

    private static Optional<Group> parseGroup(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        List<Bound> bounds = new ArrayList<>();
        boolean prerelease = false;
        Matcher hyphen = HYPHEN.matcher(text);
        List<String> comparators = new ArrayList<>();
        if (hyphen.matches()) {
            comparators.add(">=" + hyphen.group(1));
            comparators.add("<=" + hyphen.group(2));
        } else {
            // "> = 1.2" is not valid; ">= 1.2" is: glue an operator to the version that follows it
            String glued = text.replaceAll("(=|!=|>=|<=|>|<|~>|~|\\^)\\s+", "$1");
            for (String token : glued.split("[\\s,]+")) {
                if (!token.isEmpty()) {
                    comparators.add(token);
                }
            }
        }
        for (String comparator : comparators) {
            Matcher m = COMPARATOR.matcher(comparator);
            if (!m.matches()) {
                return Optional.empty();
            }
            prerelease |= m.group(5) != null;
            if (!expand(m, bounds)) {
                return Optional.empty();
            }
        }
        return Optional.of(new Group(List.copyOf(bounds), prerelease));
    }

    /** Turns one comparator into plain bounds; false when it makes no sense (e.g. "1.x.3"). */
    private static boolean expand(Matcher m, List<Bound> bounds) {
        String op = m.group(1) == null ? "=" : m.group(1);
        String[] parts = {m.group(2), m.group(3), m.group(4)};
        int given = 0;
        for (String part : parts) {
            if (part == null || part.matches("[xX*]")) {
                break;
            }
            given++;
        }
        for (int i = given; i < 3; i++) {
            if (parts[i] != null && !parts[i].matches("[xX*]")) {
                return false;
            }
        }
        long major = given > 0 ? Long.parseLong(parts[0]) : 0;
        long minor = given > 1 ? Long.parseLong(parts[1]) : 0;
        long patch = given > 2 ? Long.parseLong(parts[2]) : 0;
        String[] pre = m.group(5) == null ? new String[0] : m.group(5).split("\\.");
        SemVer low = SemVer.of(major, minor, patch, pre);
        if (given == 0) {
            // "*" / "x": any version; other operators with a bare wildcard say nothing sensible
            return op.equals("=") || op.equals(">=") || op.equals("<=") || op.equals("~") || op.equals("^");
        }
        SemVer nextUp = given == 1 ? SemVer.of(major + 1, 0, 0, "0") : given == 2 ? SemVer.of(major, minor + 1, 0, "0") : null;
        switch (op) {
            case "=" -> {
                if (given == 3) {
                    bounds.add(new Bound("=", low));
                } else {
                    bounds.add(new Bound(">=", low));
                    bounds.add(new Bound("<", nextUp));
                }
            }
            case "!=" -> {
                if (given < 3) {
                    return false; // "!= 1.2.x" has no single-interval form; Helm charts never use it
                }
                bounds.add(new Bound("!=", low));
            }
            case ">" -> bounds.add(given == 3 ? new Bound(">", low) : new Bound(">=", nextUp));
            case ">=" -> bounds.add(new Bound(">=", low));
            case "<" -> bounds.add(new Bound("<", low));
            case "<=" -> bounds.add(given == 3 ? new Bound("<=", low) : new Bound("<", nextUp));
            case "~", "~>" -> {
                bounds.add(new Bound(">=", low));
                bounds.add(new Bound("<", given == 1 ? SemVer.of(major + 1, 0, 0, "0") : SemVer.of(major, minor + 1, 0, "0")));
            }
            case "^" -> {
                bounds.add(new Bound(">=", low));
                SemVer upper = major > 0 || given == 1 ? SemVer.of(major + 1, 0, 0, "0")
                        : minor > 0 || given == 2 ? SemVer.of(0, minor + 1, 0, "0") : SemVer.of(0, 0, patch + 1, "0");
                bounds.add(new Bound("<", upper));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    public boolean admits(SemVer version) {
        for (Group group : groups) {
            if (version.isPrerelease() && !group.allowsPrerelease()) {
                continue;
            }
            if (group.bounds().stream().allMatch(b -> b.test(version))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
