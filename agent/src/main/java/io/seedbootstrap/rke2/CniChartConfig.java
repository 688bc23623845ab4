package io.seedbootstrap.rke2;

import io.seedbootstrap.inventory.model.Cluster;
import io.seedbootstrap.inventory.model.Cni;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HelmChartConfig of the bundled CNI chart (contract A.7): named like its HelmChart
 * ({@code rke2-<cni>} in kube-system) and placed in the bootstrap server's manifests folder
 * before the first start, since the CNI cannot be reconfigured that way later.
 */
public final class CniChartConfig {
    private CniChartConfig() {}

    public static String fileName(Cni cni) {
        return "rke2-" + cni.key() + "-config.yaml";
    }

    public static String path(Cni cni) {
        return Rke2Paths.MANIFESTS + "/" + fileName(cni);
    }

    /** Empty when the chart's defaults are what the inventory asks for. */
    public static Optional<String> render(Cluster cluster) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (cluster.cni() == Cni.CILIUM && cluster.cilium() != null && cluster.cilium().kubeProxyReplacement()) {
            // A.7: kube-proxy replacement needs the API address without kube-proxy: localhost:6443 on every node
            // (RKE2 runs a local supervisor load balancer there); paired with disable-kube-proxy in config.yaml.
            values.put("kubeProxyReplacement", true);
            values.put("k8sServiceHost", "localhost");
            values.put("k8sServicePort", String.valueOf(NodeConfig.API_PORT));
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "rke2-" + cluster.cni().key());
        metadata.put("namespace", "kube-system");
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "helm.cattle.io/v1");
        document.put("kind", "HelmChartConfig");
        document.put("metadata", metadata);
        document.put("spec", Map.of("valuesContent", ConfigYaml.write(values)));
        return Optional.of("# Written by seed-bootstrap (contract A.7).\n" + ConfigYaml.write(document));
    }
}
