package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Helm value one cluster supplies through its ArgoCD cluster Secret: ArgoCD's cluster
 * generator exposes the Secret's labels and annotations to the ApplicationSet template
 * (metadata.labels / metadata.annotations), which sets them at {@link #value()}.
 */
@Doc("A Helm value taken from the cluster's ArgoCD registration: a label or annotation of its cluster Secret.")
public record BomClusterValue(
        @Doc("Where the value goes, in Helm's --set syntax: keys separated by '.', a '.' inside a key written '\\.', list items "
                + "as [N]; e.g. service.annotations.metallb\\.io/loadBalancerIPs or domainFilters[0].") @Required String value,
        @Doc("Whether the cluster Secret carries it as a label or an annotation (annotations hold any text; labels at most 63 "
                + "characters of [A-Za-z0-9._-]).") @Required ClusterValueSource from,
        @Doc("The label or annotation key, e.g. catalog.seed-bootstrap.io/traefik-load-balancer-ip.") @Required
        @Format(TextFormat.LABEL_KEY) String key,
        @Doc("Whether a cluster that installs the service must carry the key (else the chart's or the catalog's default applies).")
        boolean required,
        @Doc("What the value means, for people (and for the hand-off to Terraform).") String description) {

    /** One step of a value path: a map key, or a list index (key null). */
    public record PathSegment(String key, Integer index) {
        @Override
        public String toString() {
            return key != null ? key : "[" + index + "]";
        }
    }

    /** The value path as keys and list indexes; empty when {@link #value()} is not a valid path. */
    public Optional<List<PathSegment>> path() {
        return parsePath(value);
    }

    /**
     * Parses Helm's --set path syntax (helm.sh/docs/intro/using_helm "The Format and Limitations of
     * --set"): '.' separates keys, '\.' is a dot inside a key, NAME[N] indexes a list.
     */
    public static Optional<List<PathSegment>> parsePath(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        List<PathSegment> segments = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        boolean afterIndex = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '.') {
                    return Optional.empty();
                }
                key.append('.');
                i++;
            } else if (c == '.') {
                if (key.isEmpty() && !afterIndex) {
                    return Optional.empty();
                }
                if (!key.isEmpty()) {
                    segments.add(new PathSegment(key.toString(), null));
                    key.setLength(0);
                }
                afterIndex = false;
                if (i + 1 >= text.length()) {
                    return Optional.empty();
                }
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0 || (key.isEmpty() && !afterIndex) || !text.substring(i + 1, close).matches("[0-9]{1,4}")) {
                    return Optional.empty();
                }
                if (!key.isEmpty()) {
                    segments.add(new PathSegment(key.toString(), null));
                    key.setLength(0);
                }
                segments.add(new PathSegment(null, Integer.parseInt(text.substring(i + 1, close))));
                afterIndex = true;
                i = close;
            } else if (c == ']' || afterIndex) {
                return Optional.empty();
            } else {
                key.append(c);
            }
        }
        if (!key.isEmpty()) {
            segments.add(new PathSegment(key.toString(), null));
        }
        return segments.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(segments));
    }
}
