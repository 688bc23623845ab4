package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed apps exactly as install renders them ({@link SeedApps#plan}) for an inventory, with a
 * real site PKI ({@code pki init}, 2048-bit keys for speed) issued for the inventory's host names,
 * and the bundle's charts given by the caller.
 */
final class SeedAppsFixture {
    static final Path EXAMPLES = Path.of("../inventory/examples").toAbsolutePath().normalize();
    static final Map<String, String> ENV = Map.of("SEED_SUDO_PASSWORD", "sudo-pw", "SEED_ROOT_KEY_PASSPHRASE", "root-pw",
            "SEED_RANCHER_PASSWORD", "rancher-Bootstrap-123", "SEED_ARGOCD_PASSWORD", "argo-Admin-456", "SEED_GIT_TOKEN", "git-token-789",
            "SEED_REGISTRY_PASSWORD", "registry-pw", "VAULT_SECRET_ID", "vault-secret-id-0", "S3_ACCESS_KEY", "s3-access-key-1",
            "S3_SECRET_KEY", "s3-secret-key-2");
    static final Instant NOW = Instant.parse("2026-08-22T10:15:00Z");

    private SeedAppsFixture() {}

    static Inventory load(Path file, Path home) {
        LoadedInventory loaded = new InventoryLoader(Environment.of(ENV), home).load(file, LoadOptions.defaults());
        assertTrue(loaded.ok(), () -> file + ": " + loaded.diagnostics());
        return loaded.inventory();
    }

    /** A site PKI in {@code dir} with leaves for the inventory's Rancher and ArgoCD host names. */
    static SiteMaterial pki(Inventory inventory, Path dir) throws Exception {
        Files.createDirectories(dir);
        StringBuilder apps = new StringBuilder("apps:\n");
        apps.append("  rancher: {enabled: ").append(inventory.apps().rancher().hostname() != null);
        if (inventory.apps().rancher().hostname() != null) {
            apps.append(", hostname: ").append(inventory.apps().rancher().hostname());
        }
        apps.append("}\n  argocd: {enabled: ").append(inventory.apps().argocd().hostname() != null);
        if (inventory.apps().argocd().hostname() != null) {
            apps.append(", hostname: ").append(inventory.apps().argocd().hostname());
        }
        apps.append("}\n");
        Path file = dir.resolve("pki-inventory.yaml");
        Files.writeString(file, "cluster: {name: " + inventory.cluster().name() + ", rke2Version: v1.35.7+rke2r1}\n"
                + "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}\n" + apps
                + "hosts:\n  - {name: seed-1, address: 192.0.2.10, role: server}\n");
        CommandRunner.Result init = CommandRunner.run(Map.of(), dir, "pki", "init", file.toString());
        assertEquals(0, init.exitCode(), init.err());
        return new SiteMaterial(dir.resolve("pki"));
    }

    static List<AppStep> plan(Inventory inventory, SiteMaterial site, Map<String, byte[]> charts) {
        return plan(inventory, site, charts, io.seedbootstrap.apps.CatalogApps.Entries.NONE);
    }

    /** The bundle's charts and, as the bundle's catalog, {@code catalog}. */
    static SeedApps.Charts charts(Map<String, byte[]> charts, io.seedbootstrap.apps.CatalogApps.Entries catalog) {
        return new SeedApps.Charts() {
            @Override
            public Optional<SeedApps.Chart> find(String name) {
                return Optional.ofNullable(charts.get(name)).map(bytes -> new SeedApps.Chart(name, "upstream", bytes.length, () -> bytes));
            }

            @Override
            public io.seedbootstrap.apps.CatalogApps.Entries catalog() {
                return catalog;
            }
        };
    }

    static List<AppStep> plan(Inventory inventory, SiteMaterial site, Map<String, byte[]> charts, io.seedbootstrap.apps.CatalogApps.Entries catalog) {
        SeedApps.Charts bundle = charts(charts, catalog);
        SeedApps.Passwords passwords = new SeedApps.Passwords() {
            @Override
            public Secret rancherBootstrap() {
                Secret given = inventory.apps().rancher().bootstrapPassword();
                return given != null ? given : Secret.literal("generated-rancher-pw");
            }

            @Override
            public Secret argocdAdmin() {
                Secret given = inventory.apps().argocd().adminPassword();
                return given != null ? given : Secret.literal("generated-argocd-pw");
            }
        };
        return SeedApps.plan(new SeedApps.Input(inventory, bundle, site, passwords, new SecureRandom(), NOW));
    }

    static AppStep step(List<AppStep> steps, String app) {
        return steps.stream().filter(s -> s.app().equals(app)).findFirst()
                .orElseThrow(() -> new AssertionError(app + " not in " + steps.stream().map(AppStep::app).toList()));
    }
}
