package io.seedbootstrap.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.IngressController;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.support.Environment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commented examples in inventory/examples/ are valid and mean what their comments say. */
class ExampleInventoriesTest {
    static final Path EXAMPLES = Path.of("../inventory/examples");
    static final Environment SECRETS = Environment.of(Map.of(
            "SEED_SUDO_PASSWORD", "sudo-pw", "SEED_ROOT_KEY_PASSPHRASE", "root-pw", "SEED_RANCHER_PASSWORD", "rancher-pw",
            "SEED_ARGOCD_PASSWORD", "argo-pw", "SEED_GIT_TOKEN", "git-token", "SEED_REGISTRY_PASSWORD", "registry-pw"));

    private final InventoryLoader loader = new InventoryLoader(SECRETS, Path.of("/nonexistent-home"));

    private Inventory load(String name) {
        LoadedInventory loaded = loader.load(EXAMPLES.resolve(name), LoadOptions.defaults());
        assertTrue(loaded.ok(), () -> name + ": " + loaded.diagnostics());
        assertTrue(loaded.diagnostics().stream().noneMatch(Diagnostic::isError));
        return loaded.inventory();
    }

    @Test
    void singleNodeDefaultsToCanalAndItsOnlyServerBootstraps() {
        Inventory inventory = load("single-node.yaml");
        assertEquals("seed-lab", inventory.cluster().name());
        assertEquals(Cni.CANAL, inventory.cluster().cni());
        assertEquals(IngressController.INGRESS_NGINX, inventory.cluster().ingressController());
        assertEquals("seed-1", inventory.bootstrapServer().name());
        assertEquals(22, inventory.ssh().port());
        assertEquals("admin", inventory.ssh().user());
        assertEquals(EXAMPLES.toAbsolutePath().normalize().resolve("pki"), inventory.pki().dir());
    }

    @Test
    void haExampleHasThreeServersAnExplicitBootstrapAndResolvedSecrets() {
        Inventory inventory = load("ha-3-servers.yaml");
        assertEquals(3, inventory.servers().size());
        assertEquals(2, inventory.agents().size());
        assertEquals("seed-1", inventory.bootstrapServer().name());
        assertEquals(Cni.CILIUM, inventory.cluster().cni());
        assertTrue(inventory.cluster().cilium().kubeProxyReplacement());
        assertEquals("sudo-pw", inventory.ssh().sudoPassword().reveal());
        assertEquals("$SEED_SUDO_PASSWORD", inventory.ssh().sudoPassword().source());
        assertFalse(inventory.ssh().sudoPassword().toString().contains("sudo-pw"));
        assertEquals(2222, inventory.host("seed-w2").orElseThrow().ssh().port());
        assertEquals(Role.AGENT, inventory.host("seed-w2").orElseThrow().role());
        assertEquals(java.util.List.of("max-pods=150"), inventory.rke2().config().get("kubelet-arg"));
        assertEquals(18, inventory.rke2().snapshots().retention());
        assertNotNull(inventory.apps().argocd().repo());
        assertEquals(6, inventory.apps().components().size());
    }

    @Test
    void airgapExampleMirrorsThroughTheSiteRegistry() {
        Inventory inventory = load("airgap-registry.yaml");
        assertEquals("registry.dark.example.internal:5000", inventory.registries().systemDefaultRegistry());
        assertTrue(inventory.registries().disableDefaultEndpoint());
        assertEquals(2, inventory.registries().mirrors().size());
        assertEquals("registry-pw", inventory.registries().configs().get("registry.dark.example.internal:5000").password().reveal());
    }
}
