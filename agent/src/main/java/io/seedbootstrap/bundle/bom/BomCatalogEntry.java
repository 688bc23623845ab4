package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;
import java.util.Map;

/**
 * One service of the platform catalog (docs/formats.md "The platform catalog"): a chart that
 * bundle push puts into the site registry as an OCI chart, its images (pinned by digest), the
 * values every cluster gets, and the values each cluster's ArgoCD registration supplies.
 */
@Doc("A platform service ArgoCD installs on every cluster that opts in (label app/NAME: install): its chart, images by digest, "
        + "default values and per-cluster values.")
public record BomCatalogEntry(
        @Doc("Catalog name: the NAME of the cluster label app/NAME and of the ApplicationSet; an RFC 1123 label such as traefik.")
        @Required @Format(TextFormat.DNS_LABEL) String name,
        @Doc("What the service is, for people.") String description,
        @Doc("The namespace the service is installed into on each cluster.") @Required @Format(TextFormat.DNS_LABEL) String namespace,
        @Doc("The Helm chart archive (carried in the bundle, pushed as an OCI chart) and its images. Every image needs a digest "
                + "key: sha256:... or null until scripts/refresh-bom.sh pins it; bundle create refuses an image without a digest.")
        @Required BomChart chart,
        @Doc("Helm values every cluster gets (merged over the chart's own values.yaml).") Map<String, Object> values,
        @Doc("Values taken from each cluster's ArgoCD registration (its cluster Secret's labels or annotations), set over values.")
        List<BomClusterValue> clusterValues) {

    /** The images of the chart, never null. */
    public List<BomImage> images() {
        return chart == null || chart.images() == null ? List.of() : chart.images();
    }

    /** The default values, never null. */
    public Map<String, Object> defaultValues() {
        return values == null ? Map.of() : values;
    }

    /** The per-cluster values, never null. */
    public List<BomClusterValue> perClusterValues() {
        return clusterValues == null ? List.of() : clusterValues;
    }
}
