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
}
