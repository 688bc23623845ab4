package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.MetalLb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MetalLB (contract H): the chart, its namespace labelled privileged (the speaker needs it, A.9),
 * then IPAddressPools and an L2Advertisement (or BGP peers and a BGPAdvertisement) once the chart,
 * and so its CRDs, is installed.
 */
public final class MetalLbApp {
    public static final String NAMESPACE = "metallb-system";
    public static final String HELM_CHART = "metallb";
    /** Its descriptor in {@link SeedApps#APPS}. */
    static final SeedApp APP = new SeedApp("MetalLB", "metallb", "metallb", List.of(NAMESPACE),
            inventory -> inventory.metallb().enabled(), MetalLbApp::step, SeedApp.Problems.NONE, HELM_CHART);

    private MetalLbApp() {}

    /** H: the namespace must be labelled privileged for enforce, audit and warn. */
    public static final Map<String, String> PRIVILEGED = Map.of(
            "pod-security.kubernetes.io/enforce", "privileged",
            "pod-security.kubernetes.io/audit", "privileged",
            "pod-security.kubernetes.io/warn", "privileged");

    static AppStep step(SeedApps.Input input) {
        MetalLb metallb = input.inventory().metallb();
        Map<String, Object> values = new LinkedHashMap<>();
        HelmCharts.put(values, "crds.enabled", true);
        // H: v0.16's default is FRR-K8s mode (more images); L2 needs none of it, BGP uses it
        HelmCharts.put(values, "frrk8s.enabled", metallb.mode() == MetalLb.Mode.BGP);
        String chart = HelmCharts.render(HELM_CHART, NAMESPACE, SeedApps.chart(input, APP.bundleChart()), values, List.of(), "H");
        return new AppStep(APP.title(), List.of(new AppStep.Namespace(NAMESPACE, PRIVILEGED)), List.of(),
                new AppStep.AddOnFile("seed-metallb.yaml", chart), HELM_CHART,
                List.of(new AppStep.AddOnFile("seed-metallb-config.yaml", config(metallb))));
    }

    static String config(MetalLb metallb) {
        List<Map<String, Object>> documents = new ArrayList<>();
        List<String> pools = new ArrayList<>();
        for (MetalLb.Pool pool : metallb.pools()) {
            Map<String, Object> document = HelmCharts.object("metallb.io/v1beta1", "IPAddressPool", pool.name(), NAMESPACE);
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("addresses", List.copyOf(pool.addresses()));
            spec.put("autoAssign", pool.autoAssign());
            document.put("spec", spec);
            documents.add(document);
            pools.add(pool.name());
        }
        if (metallb.mode() == MetalLb.Mode.BGP) {
            for (int i = 0; i < metallb.bgpPeers().size(); i++) {
                MetalLb.BgpPeer peer = metallb.bgpPeers().get(i);
                // H: BGPPeer v1beta1 is deprecated
                Map<String, Object> document = HelmCharts.object("metallb.io/v1beta2", "BGPPeer", "peer-" + (i + 1), NAMESPACE);
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("myASN", metallb.bgpPeers().get(i).myAsn());
                spec.put("peerASN", peer.peerAsn());
                spec.put("peerAddress", peer.peerAddress());
                document.put("spec", spec);
                documents.add(document);
            }
            Map<String, Object> advertisement = HelmCharts.object("metallb.io/v1beta1", "BGPAdvertisement", "bgp", NAMESPACE);
            advertisement.put("spec", Map.of("ipAddressPools", pools));
            documents.add(advertisement);
        } else {
            Map<String, Object> advertisement = HelmCharts.object("metallb.io/v1beta1", "L2Advertisement", "l2", NAMESPACE);
            advertisement.put("spec", Map.of("ipAddressPools", pools));
            documents.add(advertisement);
        }
        return HelmCharts.documents("contract H: MetalLB pools, applied once its CRDs are installed", documents);
    }
}
