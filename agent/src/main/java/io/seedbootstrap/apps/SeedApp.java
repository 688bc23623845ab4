package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.SiteMaterial;
import java.time.Instant;
import java.util.List;

/**
 * One seed app as the install knows it: what turns it on, the bundle chart it deploys, the
 * namespaces it runs in, how it renders its {@link AppStep}, and the bad inputs only it can have.
 * {@link SeedApps#APPS} lists them in install order; everything else (which charts the bundle must
 * hold, which image archives go to the nodes, the PodSecurity check, the plan) is derived from
 * that list, so a new app is one implementation and one entry there.
 */
public interface SeedApp {
    /** How the install names the app in its output and errors ("Rancher"); its {@link AppStep#app()}. */
    String title();

    /** The inventory section that configures it ("apps.rancher"), named in messages. */
    String inventorySection();

    /** The bundle chart it deploys (BOM {@code charts[].name}, the upstream chart name; also its image archives' component). */
    String bundleChart();

    boolean enabled(Inventory inventory);

    /** The namespaces it runs in (A.9: exempt from PodSecurity restricted under the CIS profile). */
    List<String> namespaces();

    /** What install deploys for it; called only when it is enabled and {@link SeedApps#problems} found nothing. */
    AppStep step(SeedApps.Input input);

    /**
     * Its own bad inputs besides its chart (which {@link SeedApps#problems} checks for every app),
     * found on the operator's side before any change; asked only when it is enabled.
     */
    default List<String> problems(Inventory inventory, SiteMaterial site, Instant now) {
        return List.of();
    }
}
