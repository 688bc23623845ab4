package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rancher (contract E) behind the site CA: {@code ingress.tls.source: secret} with
 * {@code tls-rancher-ingress} from the PKI's leaf for the host name, {@code privateCA: true} with
 * {@code tls-ca}/{@code cacerts.pem} = the site root (E.2). With cert-manager on, the ingress also
 * carries the cluster-issuer annotation, so cert-manager renews that certificate from the same
 * site CA before it expires (E.3); the PKI's leaf is only the first one then. Air-gapped: the
 * bundled system charts and the site registry (E.1 useBundledSystemChart, systemDefaultRegistry).
 * The bootstrap password reaches the chart through valuesSecrets (D), never valuesContent.
 */
public final class RancherApp {
    public static final String NAMESPACE = "cattle-system";
    public static final String HELM_CHART = "rancher";
    public static final String INGRESS_SECRET = "tls-rancher-ingress";
    public static final String CA_SECRET = "tls-ca";
    /** D: valuesSecrets are read from the HelmChart's namespace. */
    public static final String VALUES_SECRET = "seed-rancher-values";
    public static final String VALUES_KEY = "values.yaml";
    /** Its descriptor in {@link SeedApps#APPS}. */
    static final SeedApp APP = new SeedApp("Rancher", "apps.rancher", "rancher", List.of(NAMESPACE),
            inventory -> inventory.apps().rancher().enabled(), RancherApp::step, RancherApp::problems, HELM_CHART);

    private RancherApp() {}

    /** The certificate behind its host name (E.2) and the registry an air-gapped Rancher needs (E.1). */
    static List<String> problems(Inventory inventory, SiteMaterial site, Instant now) {
        List<String> problems = new ArrayList<>();
        Apps.Rancher rancher = inventory.apps().rancher();
        Apps.Vault vault = CertManagerApp.vaultIssuer(inventory);
        if (vault != null) {
            // E.2: tls-ca is the Vault PKI's CA; cert-manager issues the ingress certificate (no site leaf used)
            if (vault.pkiCaFile() != null) {
                problems.addAll(SiteMaterial.caFileProblems(vault.pkiCaFile(), "apps.certManager.issuer.vault.pkiCaFile"));
            }
        } else if (rancher.hostname() != null) {
            problems.addAll(site.leafProblems(rancher.hostname(), "apps.rancher.hostname", now));
        }
        String registry = inventory.registries().systemDefaultRegistry();
        if (registry == null) {
            // E / issue: Rancher pulls dozens of images beyond the bundle's archives (system charts, agents)
            problems.add("apps.rancher: an air-gapped Rancher needs the site registry (registries.systemDefaultRegistry with a "
                    + "mirror), filled by `bundle push`; set it, or set apps.rancher.enabled: false");
        }
        return problems;
    }

    /** E.1: replicas as the inventory says, else min(3, servers). */
    public static int replicas(Inventory inventory) {
        Integer replicas = inventory.apps().rancher().replicas();
        return replicas != null ? replicas : Math.min(3, inventory.servers().size());
    }

    static AppStep step(SeedApps.Input input) {
        Inventory inventory = input.inventory();
        String chart = HelmCharts.render(HELM_CHART, NAMESPACE, SeedApps.chart(input, APP.bundleChart()), values(inventory),
                List.of(new HelmCharts.ValuesSecret(VALUES_SECRET, VALUES_KEY)), "E");
        return new AppStep(APP.title(), List.of(new AppStep.Namespace(NAMESPACE, Map.of())), secrets(input),
                new AppStep.AddOnFile("seed-rancher.yaml", chart), HELM_CHART, List.of());
    }

    static Map<String, Object> values(Inventory inventory) {
        Apps.Rancher rancher = inventory.apps().rancher();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("hostname", rancher.hostname());
        HelmCharts.put(values, "ingress.tls.source", "secret");
        HelmCharts.put(values, "ingress.tls.secretName", INGRESS_SECRET);
        String issuer = CertManagerApp.clusterIssuer(inventory);
        if (issuer != null) {
            // E.3: source=secret + the cluster-issuer annotation: cert-manager's ingress-shim keeps tls-rancher-ingress renewed
            HelmCharts.put(values, "ingress.extraAnnotations", Map.of("cert-manager.io/cluster-issuer", issuer));
        }
        values.put("privateCA", true);
        values.put("replicas", replicas(inventory));
        values.put("useBundledSystemChart", true);
        String registry = inventory.registries().systemDefaultRegistry();
        if (registry != null) {
            values.put("systemDefaultRegistry", registry);
        }
        return values;
    }

    static List<KubeSecret> secrets(SeedApps.Input input) {
        Inventory inventory = input.inventory();
        SiteMaterial site = input.site();
        String hostname = inventory.apps().rancher().hostname();
        KubeSecret values = new KubeSecret("kube-system", VALUES_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of(),
                () -> KubeSecret.utf8(Map.of(VALUES_KEY, valuesSecretYaml(input.passwords().rancherBootstrap().reveal()))), true);
        Apps.Vault vault = CertManagerApp.vaultIssuer(inventory);
        if (vault != null) {
            // E.2/E.3: cert-manager issues tls-rancher-ingress from Vault (ingress-shim), so tls-ca must be the Vault PKI's
            // CA (validated: pkiCaFile is required with Rancher). No site leaf first: tls-ca would not verify it.
            KubeSecret ca = new KubeSecret(NAMESPACE, CA_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of("cacerts.pem", read(vault.pkiCaFile())),
                    Map::of, false);
            return List.of(ca, values);
        }
        SiteMaterial.KeyPair leaf = site.leaf(hostname);
        // with cert-manager renewing it, the Secret is cert-manager's after its creation: never overwritten by a re-run
        boolean renewedByCertManager = CertManagerApp.clusterIssuer(inventory) != null;
        KubeSecret ingress = new KubeSecret(NAMESPACE, INGRESS_SECRET, KubeSecret.TLS, Map.of(), Map.of("tls.crt", leaf.certificate()),
                () -> Map.of("tls.key", leaf.key()), renewedByCertManager);
        KubeSecret ca = new KubeSecret(NAMESPACE, CA_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of("cacerts.pem", site.cacerts()),
                Map::of, false);
        return List.of(ingress, ca, values);
    }

    private static byte[] read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    /** E.1 bootstrapPassword; the chart keeps it in bootstrap-secret. */
    static String valuesSecretYaml(String password) {
        return io.seedbootstrap.rke2.ConfigYaml.write(Map.of("bootstrapPassword", password));
    }
}
