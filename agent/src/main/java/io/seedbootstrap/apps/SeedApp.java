package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One seed app as the install knows it. {@link SeedApps#APPS} lists them in install order, and
 * everything else is derived from that list: the charts the bundle must hold, the image archives
 * the nodes get, the namespaces checked under CIS, the problems found before any change and the
 * steps install deploys. A new app is one more descriptor there, never a new branch.
 *
 * @param title            how the install names it in its output and errors ("Rancher"): its {@link AppStep#app()}
 * @param inventorySection the inventory section that configures it ("apps.rancher"), named in messages
 * @param bundleChart      the bundle chart it deploys (BOM {@code charts[].name}, the upstream chart name;
 *                         also the component of its image archives)
 * @param namespaces       the namespaces it runs in (A.9: exempt from PodSecurity restricted under the CIS profile)
 * @param enabled          whether the inventory turns it on
 * @param step             what install deploys for it; called only when it is enabled and {@link SeedApps#problems} found nothing
 * @param problems         its own bad inputs besides its chart (which {@link SeedApps#problems} checks for every app),
 *                         asked only when it is enabled
 * @param helmChart        the name of its HelmChart object in kube-system (its {@link AppStep#helmChartName()}); the
 *                         helm-controller's job is {@code helm-install-<helmChart>} (contract D). What {@code status} reads.
 */
public record SeedApp(String title, String inventorySection, String bundleChart, List<String> namespaces, Predicate<Inventory> enabled,
        Function<SeedApps.Input, AppStep> step, Problems problems, String helmChart) {

    public SeedApp {
        namespaces = List.copyOf(namespaces);
    }

    /** An app's own bad inputs, found on the operator's side before any host is changed. */
    @FunctionalInterface
    public interface Problems {
        Problems NONE = (inventory, site, now) -> List.of();

        List<String> find(Inventory inventory, SiteMaterial site, Instant now);
    }
}
