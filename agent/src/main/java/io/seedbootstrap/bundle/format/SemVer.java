package io.seedbootstrap.bundle.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (major.minor.patch[-prerelease][+build]) with semver 2.0 precedence; build
 * metadata is kept for display and ignored in comparisons, as Helm does with "v1.35.7+rke2r1".
 */
public record SemVer(long major, long minor, long patch, List<String> prerelease, String build) implements Comparable<SemVer> {
    private static final Pattern FORM = Pattern.compile(
            "^v?(0|[1-9][0-9]{0,17})\\.(0|[1-9][0-9]{0,17})\\.(0|[1-9][0-9]{0,17})(?:-([0-9A-Za-z.-]+))?(?:\\+([0-9A-Za-z.-]+))?$");

    public SemVer {
        prerelease = List.copyOf(prerelease);
    }

    public static Optional<SemVer> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.", -1));
        if (pre.stream().anyMatch(String::isEmpty)) {
            return Optional.empty();
        }
        return Optional.of(new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), pre, m.group(5)));
    }

    public static SemVer of(long major, long minor, long patch, String... prerelease) {
        return new SemVer(major, minor, patch, List.of(prerelease), null);
    }

    /**
     * The Kubernetes version an RKE2 release runs: {@code v1.35.7+rke2r1} is 1.35.7 (RKE2
     * versions are Kubernetes versions with an rke2rN build suffix).
     */
    public static SemVer kubernetesOfRke2(String rke2Version) {
        SemVer parsed = parse(rke2Version).orElseThrow(() -> new IllegalArgumentException("not an RKE2 version: " + rke2Version));
        return new SemVer(parsed.major, parsed.minor, parsed.patch, parsed.prerelease, null);
    }

    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    @Override
    public int compareTo(SemVer other) {
        int c = Long.compare(major, other.major);
        if (c == 0) {
            c = Long.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, other.patch);
        }
        return c != 0 ? c : comparePrerelease(prerelease, other.prerelease);
    }

    /** semver 2.0 §11: a release outranks its prereleases; identifiers compare numerically or lexically. */
    private static int comparePrerelease(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            boolean xNum = x.chars().allMatch(Character::isDigit);
            boolean yNum = y.chars().allMatch(Character::isDigit);
            int c;
            if (xNum && yNum) {
                c = new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y));
            } else if (xNum != yNum) {
                c = xNum ? -1 : 1;
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(major + "." + minor + "." + patch);
        if (!prerelease.isEmpty()) {
            parts.add("-" + String.join(".", prerelease));
        }
        if (build != null) {
            parts.add("+" + build);
        }
        return String.join("", parts);
    }
}
