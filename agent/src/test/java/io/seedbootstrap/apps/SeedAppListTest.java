package io.seedbootstrap.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.PodSecurityConfig;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed apps as one list of descriptors ({@link SeedApps#APPS}): for every combination of
 * apps on and off, the plan, the required charts, the namespaces and the missing-chart problems
 * are the enabled apps of that list in its order, and what each descriptor declares (title,
 * bundle chart, namespaces) is what its step renders.
 */
class SeedAppListTest {
    static final Instant NOW = Instant.parse("2026-08-22T10:15:00Z");

    @TempDir
    static Path work;
    static final Map<String, byte[]> charts = new HashMap<>();

    @BeforeAll
    static void pkiAndCharts() throws Exception {
        Path inventory = work.resolve("pki.yaml");
        Files.writeString(inventory, inventory(true, true, true, true));
        CommandRunner.Result init = CommandRunner.run(Map.of(), work, "pki", "init", inventory.toString());
        assertEquals(0, init.exitCode(), init.err());
        charts.put("cert-manager", TestBundles.chart("cert-manager", "v1.20.3", "v1.20.3", null));
        charts.put("rancher", TestBundles.chart("rancher", "2.14.3", "v2.14.3", "< 1.36.0-0"));
        charts.put("argo-cd", TestBundles.chart("argo-cd", "10.1.1", "v3.4.4", ">=1.25.0-0"));
        charts.put("metallb", TestBundles.chart("metallb", "0.16.1", "v0.16.1", null));
    }

    static String inventory(boolean certManager, boolean metallb, boolean rancher, boolean argocd) {
        return String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "registries:",
                "  systemDefaultRegistry: registry.lab.example.internal:5000",
                "  mirrors: {docker.io: {endpoints: [\"https://registry.lab.example.internal:5000\"]}}",
                "apps:",
                "  certManager: {enabled: " + certManager + "}",
                "  rancher: {enabled: " + rancher + ", hostname: rancher.lab.example.internal, bootstrapPassword: rancher-Bootstrap-123}",
                "  argocd: {enabled: " + argocd + ", adminPassword: argo-Admin-456}",
                "metallb: {enabled: " + metallb + ", pools: [{name: ingress, addresses: [\"192.0.2.200-192.0.2.220\"]}]}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", "");
    }

    static Inventory load(String text) throws Exception {
        Path file = Files.createTempFile(work, "inventory-", ".yaml");
        Files.writeString(file, text);
        return new InventoryLoader(Environment.of(Map.of()), work).loadOrThrow(file, LoadOptions.defaults()).inventory();
    }

    static List<AppStep> plan(Inventory inventory) {
        SeedApps.Passwords passwords = new SeedApps.Passwords() {
            @Override
            public Secret rancherBootstrap() {
                return inventory.apps().rancher().bootstrapPassword();
            }

            @Override
            public Secret argocdAdmin() {
                return inventory.apps().argocd().adminPassword();
            }
        };
        SeedApps.Charts bundle = name -> Optional.ofNullable(charts.get(name)).map(b -> new SeedApps.Chart(name, "1", b.length, () -> b));
        return SeedApps.plan(new SeedApps.Input(inventory, bundle, new SiteMaterial(work.resolve("pki")), passwords, new SecureRandom(), NOW));
    }

    @Test
    void theListIsTheInstallOrderAndEachAppIsDistinct() {
        assertEquals(List.of("cert-manager", "MetalLB", "Rancher", "ArgoCD"), SeedApps.APPS.stream().map(SeedApp::title).toList(),
                "cert-manager first: Rancher's ingress annotation needs its CRDs");
        assertEquals(SeedApps.APPS.size(), new HashSet<>(SeedApps.APPS.stream().map(SeedApp::bundleChart).toList()).size());
        assertEquals(SeedApps.APPS.size(), new HashSet<>(SeedApps.APPS.stream().map(SeedApp::title).toList()).size());
    }

    @Test
    void everyCombinationOfAppsIsTheEnabledPartOfTheListInItsOrder() throws Exception {
        for (int mask = 0; mask < 16; mask++) {
            boolean[] on = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0};
            Inventory inventory = load(inventory(on[0], on[1], on[2], on[3]));
            List<SeedApp> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                if (on[i]) {
                    expected.add(SeedApps.APPS.get(i));
                }
            }
            String combination = expected.stream().map(SeedApp::title).toList().toString();
            assertEquals(expected, SeedApps.enabled(inventory), combination);

            List<AppStep> steps = plan(inventory);
            assertEquals(expected.stream().map(SeedApp::title).toList(), steps.stream().map(AppStep::app).toList(), combination);
            assertEquals(expected.stream().map(SeedApp::bundleChart).toList(), SeedApps.requiredCharts(inventory), combination);
            assertEquals(expected.stream().flatMap(app -> app.namespaces().stream()).toList(), SeedApps.namespaces(inventory), combination);
            for (int i = 0; i < steps.size(); i++) {
                // what the descriptor declares is what its step deploys: the namespaces checked under CIS are the ones created
                assertEquals(expected.get(i).namespaces(), steps.get(i).namespaces().stream().map(AppStep.Namespace::name).toList(),
                        steps.get(i).app());
                assertEquals(expected.get(i).namespaces().get(0), steps.get(i).releaseNamespace(), steps.get(i).app());
                // status reads the HelmChart and its job by the descriptor's name: the one the step writes
                assertEquals(expected.get(i).helmChart(), steps.get(i).helmChartName(), steps.get(i).app());
            }

            // an empty bundle: one missing-chart problem per enabled app, in the same order, naming its inventory section
            List<String> problems = SeedApps.problems(inventory, name -> Optional.empty(), new SiteMaterial(work.resolve("pki")), NOW);
            assertEquals(expected.size(), problems.size(), problems.toString());
            for (int i = 0; i < expected.size(); i++) {
                SeedApp app = expected.get(i);
                assertTrue(problems.get(i).startsWith("the bundle has no chart \"" + app.bundleChart() + "\", which " + app.title() + " ("
                        + app.inventorySection() + ") needs"), problems.get(i));
            }
        }
    }

    @Test
    void everyAppNamespaceIsExemptFromRestrictedByDefault() {
        // A.9: a new app whose namespace is missing from the default exemptions would refuse every CIS install
        for (SeedApp app : SeedApps.APPS) {
            for (String namespace : app.namespaces()) {
                assertTrue(PodSecurityConfig.SEED_EXEMPTIONS.contains(namespace), app.title() + ": " + namespace);
            }
        }
    }
}
