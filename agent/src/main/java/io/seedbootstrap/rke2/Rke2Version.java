package io.seedbootstrap.rke2;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RKE2 release versions, {@code vX.Y.Z+rke2rN} (contract A.1): found in text and ordered. */
public final class Rke2Version {
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)\\+rke2r(\\d+)");

    private Rke2Version() {}

    /** The first {@code vX.Y.Z+rke2rN} in a text (e.g. `rke2 --version` output). */
    public static Optional<String> find(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
    }

    /** Orders RKE2 versions by X, Y, Z, then the rke2rN release; unparseable versions are an error. */
    public static int compare(String a, String b) {
        Matcher x = VERSION.matcher(a);
        Matcher y = VERSION.matcher(b);
        if (!x.matches() || !y.matches()) {
            throw new IllegalArgumentException("not RKE2 versions: " + a + ", " + b);
        }
        for (int i = 1; i <= 4; i++) {
            int c = Long.compare(Long.parseLong(x.group(i)), Long.parseLong(y.group(i)));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * Why moving a cluster from {@code from} to {@code to} is not a supported upgrade, empty when
     * it is (contract A.11): no downgrade, the same major version, and at most one minor version
     * forward (Kubernetes' version skew policy, which RKE2's upgrade docs apply: kube-apiserver
     * instances of an HA cluster within one minor version, no minor skipped). Patches and rke2rN
     * builds may jump any distance; the same version is no upgrade and no refusal either.
     */
    public static Optional<String> upgradeRefusal(String from, String to) {
        Matcher x = VERSION.matcher(from);
        Matcher y = VERSION.matcher(to);
        if (!x.matches() || !y.matches()) {
            return Optional.of("not RKE2 versions (vX.Y.Z+rke2rN): " + from + ", " + to);
        }
        if (compare(from, to) > 0) {
            return Optional.of(to + " is older than " + from + ": downgrades are not supported (contract A.11); the way back is a "
                    + "restore of the snapshot taken before the upgrade");
        }
        long fromMajor = Long.parseLong(x.group(1));
        long toMajor = Long.parseLong(y.group(1));
        long fromMinor = Long.parseLong(x.group(2));
        long toMinor = Long.parseLong(y.group(2));
        if (fromMajor != toMajor) {
            return Optional.of(from + " to " + to + " changes the major version, which no upgrade path of RKE2 covers (contract A.11)");
        }
        if (toMinor - fromMinor > 1) {
            return Optional.of(from + " to " + to + " skips " + (toMinor - fromMinor - 1) + " minor version(s): upgrade one minor at a "
                    + "time (contract A.11), first to the newest v" + fromMajor + "." + (fromMinor + 1) + ".x");
        }
        return Optional.empty();
    }
}
