package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cert-manager (contract G): the chart with {@code crds.enabled}, then the ClusterIssuer. Type
 * {@code ca} signs with the PKI's site issuing CA (never the cluster hierarchy); its key pair is
 * a Secret in cert-manager's namespace, the cluster resource namespace of a ClusterIssuer.
 * Type {@code vault} uses AppRole with the secret id in a Secret.
 */
public final class CertManagerApp {
    public static final String NAMESPACE = "cert-manager";
    public static final String HELM_CHART = "cert-manager";
    /** Its descriptor in {@link SeedApps#APPS}. */
    static final SeedApp APP = new SeedApp("cert-manager", "apps.certManager", "cert-manager", List.of(NAMESPACE),
            inventory -> inventory.apps().certManager().enabled(), CertManagerApp::step, SeedApp.Problems.NONE, HELM_CHART);

    private CertManagerApp() {}

    public static String keyPairSecret(Apps.Issuer issuer) {
        return issuer.name() + "-key-pair";
    }

    public static String appRoleSecret(Apps.Issuer issuer) {
        return issuer.name() + "-vault-approle";
    }

    static AppStep step(SeedApps.Input input) {
        Apps.Issuer issuer = input.inventory().apps().certManager().issuer();
        Map<String, Object> values = new LinkedHashMap<>();
        HelmCharts.put(values, "crds.enabled", true); // G: crds.enabled (v1.15+), CRDs installed with the chart
        String chart = HelmCharts.render(HELM_CHART, NAMESPACE, SeedApps.chart(input, APP.bundleChart()), values, List.of(), "G");
        return new AppStep(APP.title(), List.of(new AppStep.Namespace(NAMESPACE, Map.of())), List.of(secret(issuer, input.site())),
                new AppStep.AddOnFile("seed-cert-manager.yaml", chart), HELM_CHART,
                List.of(new AppStep.AddOnFile("seed-cert-manager-issuer.yaml", issuer(issuer))));
    }

    /** The Vault settings when cert-manager issues from Vault, else null (CA issuer, or cert-manager off). */
    static Apps.Vault vaultIssuer(Inventory inventory) {
        Apps.CertManager certManager = inventory.apps().certManager();
        return certManager.enabled() && certManager.issuer().type() == Apps.IssuerType.VAULT ? certManager.issuer().vault() : null;
    }

    /** The issuer cert-manager offers the cluster, or null when cert-manager is off. */
    static String clusterIssuer(Inventory inventory) {
        return inventory.apps().certManager().enabled() ? inventory.apps().certManager().issuer().name() : null;
    }

    static KubeSecret secret(Apps.Issuer issuer, SiteMaterial site) {
        if (issuer.type() == Apps.IssuerType.VAULT) {
            Apps.Vault vault = issuer.vault();
            return new KubeSecret(NAMESPACE, appRoleSecret(issuer), KubeSecret.OPAQUE, Map.of(), Map.of(),
                    () -> KubeSecret.utf8(Map.of("secretId", vault.secretId().reveal())), true); // required by the validator
        }
        // G: tls.crt = issuing CA, intermediates, root (the root makes ca.crt right in issued Secrets); re-applied when the chain changes
        SiteMaterial.KeyPair pair = site.issuingCa();
        return new KubeSecret(NAMESPACE, keyPairSecret(issuer), KubeSecret.TLS, Map.of(), Map.of("tls.crt", pair.certificate()),
                () -> Map.of("tls.key", pair.key()), false);
    }

    static String issuer(Apps.Issuer issuer) {
        Map<String, Object> document = HelmCharts.object("cert-manager.io/v1", "ClusterIssuer", issuer.name(), null);
        Map<String, Object> spec = new LinkedHashMap<>();
        if (issuer.type() == Apps.IssuerType.VAULT) {
            Apps.Vault vault = issuer.vault();
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("server", vault.server());
            v.put("path", vault.path());
            if (vault.caFile() != null) {
                try {
                    v.put("caBundle", Base64.getEncoder().encodeToString(Files.readAllBytes(vault.caFile())));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + vault.caFile(), e);
                }
            }
            Map<String, Object> appRole = new LinkedHashMap<>();
            appRole.put("path", vault.appRolePath());
            appRole.put("roleId", vault.roleId());
            appRole.put("secretRef", Map.of("name", appRoleSecret(issuer), "key", "secretId"));
            v.put("auth", Map.of("appRole", appRole));
            spec.put("vault", v);
        } else {
            spec.put("ca", Map.of("secretName", keyPairSecret(issuer)));
        }
        document.put("spec", spec);
        return HelmCharts.documents("contract G: the site's ClusterIssuer", List.of(document));
    }
}
