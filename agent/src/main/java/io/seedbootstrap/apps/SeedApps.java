package io.seedbootstrap.apps;

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
    /**
     * Every seed app, in install order: cert-manager first (Rancher's ingress annotation needs its
     * CRDs), MetalLB, Rancher, ArgoCD (its ApplicationSets install the platform components last).
     */
    public static final List<SeedApp> APPS = List.of(CertManagerApp.APP, MetalLbApp.APP, RancherApp.APP, ArgoCdApp.APP);

    private SeedApps() {}

    /** A chart archive of the bundle; {@code bytes} streams it from the bundle (verified) only when rendered. */
    public record Chart(String name, String version, long size, Supplier<byte[]> bytes) {}

    /** The bundle's charts by name, and its platform catalog. */
    @FunctionalInterface
    public interface Charts {
        Optional<Chart> find(String name);

        /** The bundle's catalog entries (the BOM's catalog section); none unless the bundle has them. */
        default CatalogApps.Entries catalog() {
            return CatalogApps.Entries.NONE;
        }
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

    /** The apps the inventory enables, in install order. */
    public static List<SeedApp> enabled(Inventory inventory) {
        return APPS.stream().filter(app -> app.enabled().test(inventory)).toList();
    }

    /** What install deploys: the enabled apps' steps, in install order. */
    public static List<AppStep> plan(Input input) {
        return enabled(input.inventory()).stream().map(app -> app.step().apply(input)).toList();
    }

    /** The bundle charts the inventory's apps need. */
    public static List<String> requiredCharts(Inventory inventory) {
        return enabled(inventory).stream().map(SeedApp::bundleChart).toList();
    }

    /** The namespaces the seed apps run in (A.9: exempt from PodSecurity restricted under the CIS profile). */
    public static List<String> namespaces(Inventory inventory) {
        return enabled(inventory).stream().flatMap(app -> app.namespaces().stream()).toList();
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
        List<SeedApp> apps = enabled(inventory);
        for (SeedApp app : apps) {
            String name = app.bundleChart();
            Optional<Chart> chart = charts.find(name);
            if (chart.isEmpty()) {
                problems.add("the bundle has no chart \"" + name + "\", which " + app.title() + " (" + app.inventorySection() + ") needs; "
                        + "add it to the BOM's charts and rebuild the bundle, or disable the app in the inventory");
            } else if (HelmCharts.chartContentLength(chart.get().size()) > HelmCharts.MAX_CHART_CONTENT) {
                problems.add("chart " + name + " " + chart.get().version() + " is " + chart.get().size() + " bytes, "
                        + HelmCharts.chartContentLength(chart.get().size()) + " as base64: more than a HelmChart's chartContent can hold "
                        + "(a ConfigMap, at most 1 MiB; contract D); use a smaller chart archive (helm package without extra files)");
            }
        }
        for (SeedApp app : apps) {
            problems.addAll(app.problems().find(inventory, site, now));
        }
        if (ArgoCdApp.APP.enabled().test(inventory)) {
            problems.addAll(CatalogApps.problems(inventory, charts.catalog()));
        }
        // rules across apps
        if (!inventory.apps().components().isEmpty() && !ArgoCdApp.APP.enabled().test(inventory)) {
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

    static byte[] chart(Input input, String name) {
        return input.charts().find(name).orElseThrow(() -> new IllegalStateException("chart " + name + " missing: problems() must run first"))
                .bytes().get();
    }
}
