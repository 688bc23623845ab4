package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import java.util.List;

@Doc("A Helm chart archive and the container images it needs.")
public record BomChart(
        @Doc("Chart name as in its Chart.yaml (cert-manager, rancher, argo-cd, metallb; a catalog chart's own name).") @Required String name,
        @Doc("Chart version as in its Chart.yaml.") @Required String version,
        @Doc("The application version the chart installs (Chart.yaml appVersion).") String appVersion,
        @Doc("The chart's kubeVersion range (Chart.yaml); the BOM is refused when it does not admit the RKE2 release's Kubernetes "
                + "version. null while unknown: bundle create reads it from the chart archive.") String kubeVersion,
        @Doc("File name of the chart archive, e.g. rancher-2.14.3.tgz.") @Required String file,
        @Doc("Where the chart archive is downloaded from.") @Required @Format(TextFormat.URL) String url,
        @Doc("SHA-256 of the chart archive; null while unknown (scripts/refresh-bom.sh fills it). Never guessed.")
        @Format(TextFormat.SHA256_HEX) String sha256,
        @Doc("Container images the chart's default values (as seed-bootstrap sets them) need.") List<BomImage> images) {}
