package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.PodSecurityConfig;
import io.seedbootstrap.support.Secret;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The seed apps of an inventory (contract D–H) as pure data: which apps, in which order, with
 * which namespaces, Secrets, HelmChart files and follow-up manifests. Rendering reads only the
 * inventory, the bundle's charts and the PKI's site hierarchy; the install phase applies it.
 * {@link #problems} finds every bad input before any host is changed.
 */
public final class SeedApps {
    /** Bundle chart names (BOM {@code charts[].name}, the upstream chart names). */
    public static final String CERT_MANAGER_CHART = "cert-manager";
    public static final String RANCHER_CHART = "rancher";
    public static final String ARGOCD_CHART = "argo-cd";
    public static final String METALLB_CHART = "metallb";

    private SeedApps() {}

    /** A chart archive of the bundle; {@code bytes} streams it from the bundle (verified) only when rendered. */
    public record Chart(String name, String version, long size, Supplier<byte[]> bytes) {}

    /** The bundle's charts by name. */
    @FunctionalInterface
    public interface Charts {
        Optional<Chart> find(String name);
    }

    /**
     * Passwords an app needs that the inventory may leave out: asked for only when the Secret
     * holding them is created (once), so a converged cluster never generates one.
     */
    public interface Passwords {
        Secret rancherBootstrap();

        Secret argocdAdmin();
    }

    /** Everything rendering reads. {@code now} fixes ArgoCD's passwordMtime (F.1) when its Secret is created. */
    public record Input(Inventory inventory, Charts charts, SiteMaterial site, Passwords passwords, SecureRandom random, Instant now) {}

    /** The enabled apps in install order: cert-manager first (Rancher's ingress annotation needs its CRDs), MetalLB, Rancher, ArgoCD. */
    public static List<AppStep> plan(Input input) {
        Inventory inventory = input.inventory();
        Apps apps = inventory.apps();
        List<AppStep> steps = new ArrayList<>();
        if (apps.certManager().enabled()) {
            steps.add(CertManagerApp.step(input));
        }
        if (inventory.metallb().enabled()) {
            steps.add(MetalLbApp.step(input));
        }
        if (apps.rancher().enabled()) {
            steps.add(RancherApp.step(input));
        }
        if (apps.argocd().enabled()) {
            steps.add(ArgoCdApp.step(input));
        }
        return steps;
    }

    /** The bundle charts the inventory's apps need. */
    public static List<String> requiredCharts(Inventory inventory) {
        List<String> charts = new ArrayList<>();
        if (inventory.apps().certManager().enabled()) {
            charts.add(CERT_MANAGER_CHART);
        }
        if (inventory.metallb().enabled()) {
            charts.add(METALLB_CHART);
        }
        if (inventory.apps().rancher().enabled()) {
            charts.add(RANCHER_CHART);
        }
        if (inventory.apps().argocd().enabled()) {
            charts.add(ARGOCD_CHART);
        }
        return charts;
    }

    /** The namespaces the seed apps run in (A.9: exempt from PodSecurity restricted under the CIS profile). */
    public static List<String> namespaces(Inventory inventory) {
        List<String> namespaces = new ArrayList<>();
        if (inventory.apps().certManager().enabled()) {
            namespaces.add(CertManagerApp.NAMESPACE);
        }
        if (inventory.metallb().enabled()) {
            namespaces.add(MetalLbApp.NAMESPACE);
        }
        if (inventory.apps().rancher().enabled()) {
            namespaces.add(RancherApp.NAMESPACE);
        }
        if (inventory.apps().argocd().enabled()) {
            namespaces.add(ArgoCdApp.NAMESPACE);
        }
        return namespaces;
    }

    /** A.9: the app namespaces an exemption list leaves restricted. */
    public static List<String> notExempt(Inventory inventory, List<String> exemptions) {
        return namespaces(inventory).stream().filter(ns -> !exemptions.contains(ns)).toList();
    }

    /**
     * Every reason the apps cannot be deployed, found on the operator's side before any change:
     * a chart missing from the bundle or too large for chartContent, an app host name no site
     * certificate covers, Rancher without a registry mirror, namespaces not exempt under CIS.
     */
    public static List<String> problems(Inventory inventory, Charts charts, SiteMaterial site, Instant now) {
        List<String> problems = new ArrayList<>();
        for (String name : requiredCharts(inventory)) {
            Optional<Chart> chart = charts.find(name);
            if (chart.isEmpty()) {
                problems.add("the bundle has no chart \"" + name + "\", which " + appOf(name) + " needs; add it to the BOM's charts and "
                        + "rebuild the bundle, or disable the app in the inventory");
            } else if (HelmCharts.chartContentLength(chart.get().size()) > HelmCharts.MAX_CHART_CONTENT) {
                problems.add("chart " + name + " " + chart.get().version() + " is " + chart.get().size() + " bytes, "
                        + HelmCharts.chartContentLength(chart.get().size()) + " as base64: more than a HelmChart's chartContent can hold "
                        + "(a ConfigMap, at most 1 MiB; contract D); use a smaller chart archive (helm package without extra files)");
            }
        }
        Apps apps = inventory.apps();
        if (apps.rancher().enabled()) {
            Apps.Vault vault = vaultIssuer(inventory);
            if (vault != null) {
                // E.2: tls-ca is the Vault PKI's CA; cert-manager issues the ingress certificate (no site leaf used)
                if (vault.pkiCaFile() != null) {
                    problems.addAll(SiteMaterial.caFileProblems(vault.pkiCaFile(), "apps.certManager.issuer.vault.pkiCaFile"));
                }
            } else if (apps.rancher().hostname() != null) {
                problems.addAll(site.leafProblems(apps.rancher().hostname(), "apps.rancher.hostname", now));
            }
            String registry = inventory.registries().systemDefaultRegistry();
            if (registry == null) {
                // E / issue: Rancher pulls dozens of images beyond the bundle's archives (system charts, agents)
                problems.add("apps.rancher: an air-gapped Rancher needs the site registry (registries.systemDefaultRegistry with a "
                        + "mirror), filled by `bundle push`; set it, or set apps.rancher.enabled: false");
            }
        }
        if (apps.argocd().enabled() && apps.argocd().hostname() != null) {
            problems.addAll(site.leafProblems(apps.argocd().hostname(), "apps.argocd.hostname", now));
        }
        if (!apps.components().isEmpty() && !apps.argocd().enabled()) {
            problems.add("apps.components are listed but ArgoCD is disabled (apps.argocd.enabled: false); ArgoCD is what installs them");
        }
        if (inventory.rke2().profile() == Rke2.Profile.CIS) {
            List<String> open = notExempt(inventory, PodSecurityConfig.exemptions(inventory.rke2().podSecurityExemptions()));
            if (!open.isEmpty()) {
                problems.add("rke2.profile cis enforces PodSecurity restricted, and namespaces " + open + " are not exempt (contract A.9); "
                        + "add them to rke2.podSecurityExemptions");
            }
        }
        return problems;
    }

    private static String appOf(String chart) {
        return switch (chart) {
            case CERT_MANAGER_CHART -> "cert-manager (apps.certManager)";
            case RANCHER_CHART -> "Rancher (apps.rancher)";
            case ARGOCD_CHART -> "ArgoCD (apps.argocd)";
            case METALLB_CHART -> "MetalLB (metallb)";
            default -> chart;
        };
    }

    static byte[] chart(Input input, String name) {
        return input.charts().find(name).orElseThrow(() -> new IllegalStateException("chart " + name + " missing: problems() must run first"))
                .bytes().get();
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
}
