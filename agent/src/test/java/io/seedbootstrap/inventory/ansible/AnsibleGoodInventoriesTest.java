package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.SourceFormat;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.IngressController;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-world style Ansible inventories (resources/ansible/good/) load through the one loader,
 * mean what Ansible means by them, and give exactly the notes and warnings in their .expected file.
 */
class AnsibleGoodInventoriesTest {
    static final Map<String, String> ENVIRONMENT = Map.of(
            "SEED_SUDO_PASSWORD", "sudo-secret-value",
            "A1_ADDRESS", "10.1.0.21",
            "SEED_A2_SSH_USER", "deploy",
            "SEED_RANCHER_HOSTNAME", "rancher.vault.example.com");

    @TempDir
    Path dir;

    private Inventory load(String name, SourceFormat format) throws IOException {
        Path file = AnsibleFixtures.GOOD.resolve(name);
        Path home = AnsibleFixtures.home(dir);
        LoadedInventory loaded = AnsibleFixtures.load(file, ENVIRONMENT, home);
        assertEquals(format, loaded.format());
        Path expectedFile = Path.of(file.toString().replaceFirst("\\.[a-z]+$", ".expected"));
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8).strip();
        assertEquals(expected, String.join("\n", AnsibleFixtures.rendered(loaded, file)));
        assertTrue(loaded.ok(), () -> name + ": " + loaded.diagnostics());
        return loaded.inventory();
    }

    private static Host host(Inventory inventory, String name) {
        return inventory.host(name).orElseThrow(() -> new AssertionError("no host " + name + " in " + inventory.hosts()));
    }

    @Test
    void rke2AnsibleRoleStyleIni() throws IOException {
        Inventory inventory = load("rke2-ansible.ini", SourceFormat.ANSIBLE_INI);
        assertEquals("lab", inventory.cluster().name());
        assertEquals("v1.35.7+rke2r1", inventory.cluster().rke2Version());
        assertEquals(Cni.CILIUM, inventory.cluster().cni());
        assertTrue(inventory.cluster().cilium().kubeProxyReplacement());
        assertEquals("10.10.0.100", inventory.cluster().registrationAddress());
        assertEquals("rancher.lab.example.com", inventory.apps().rancher().hostname());
        assertEquals(List.of("server1", "server2", "server3", "agent01", "agent02", "agent03"),
                inventory.hosts().stream().map(Host::name).toList());
        assertEquals(List.of("server1", "server2", "server3"), inventory.servers().stream().map(Host::name).toList());
        assertEquals("server1", inventory.bootstrapServer().name());
        assertEquals("rocky", inventory.ssh().user());
        assertEquals(dir.resolve("home/.ssh/id_ed25519"), inventory.ssh().identityFile());
        assertNull(host(inventory, "server1").ssh().user(), "the user is the ssh section's, not repeated per host");
        assertNull(host(inventory, "server1").ssh().identityFile());
        assertEquals(Map.of("zone", "a"), host(inventory, "server1").labels());
        assertEquals(List.of("CriticalAddonsOnly=true:NoExecute"), host(inventory, "server1").taints());
        assertEquals("10.20.0.13", host(inventory, "server3").nodeIp());
        assertEquals("cp-3", host(inventory, "server3").effectiveNodeName());
        Host agent = host(inventory, "agent02");
        assertEquals(Role.AGENT, agent.role());
        assertEquals("agent02.lab.example.com", agent.address(), "an FQDN is the address, its first label the name");
    }

    @Test
    void kubesprayStyleIni() throws IOException {
        Inventory inventory = load("mycluster/hosts.ini", SourceFormat.ANSIBLE_INI);
        assertEquals("mycluster", inventory.cluster().name(), "hosts.ini is generic, so the folder names the cluster");
        assertEquals(List.of("node1", "node2", "node3"), inventory.servers().stream().map(Host::name).toList());
        assertEquals(List.of("node4", "node5"), inventory.agents().stream().map(Host::name).toList());
        assertEquals("node1", inventory.bootstrapServer().name());
        assertEquals("95.54.0.14", host(inventory, "node3").address());
        assertEquals("10.3.0.3", host(inventory, "node3").nodeIp(), "Kubespray's ip is the node IP");
        assertEquals("ubuntu", inventory.ssh().user(), "a group variable every host shares goes to the ssh section");
        assertEquals("hunter2-plain", inventory.ssh().sudoPassword().reveal());
        assertEquals("lb.k8s.example.com", inventory.cluster().registrationAddress());
        assertFalse(inventory.apps().rancher().enabled());
    }

    @Test
    void kubesprayStyleYaml() throws IOException {
        Inventory inventory = load("kubespray.yaml", SourceFormat.ANSIBLE_YAML);
        assertEquals("kubespray-yaml", inventory.cluster().name());
        assertEquals(List.of("node1"), inventory.servers().stream().map(Host::name).toList());
        assertEquals(List.of("node2"), inventory.agents().stream().map(Host::name).toList());
        assertEquals("10.20.0.12", host(inventory, "node2").address());
        assertEquals("10.20.0.12", host(inventory, "node2").nodeIp());
    }

    @Test
    void plainMastersWorkersWithBastionAndSpacedVars() throws IOException {
        Inventory inventory = load("masters-workers.ini", SourceFormat.ANSIBLE_INI);
        assertEquals("edge", inventory.cluster().name());
        assertEquals("v1.35.7+rke2r1", inventory.cluster().rke2Version());
        assertEquals(IngressController.TRAEFIK, inventory.cluster().ingressController(), "the inline # comment is not part of the value");
        assertEquals(List.of("api.edge.example.internal", "192.168.50.100"), inventory.cluster().tlsSan());
        assertEquals(List.of("master-1", "worker-a", "worker-b", "worker-c", "worker-d"),
                inventory.hosts().stream().map(Host::name).toList(), "the bastion is not a node");
        assertEquals("master-1", inventory.bootstrapServer().name(), "a single server needs no mark");
        assertEquals("admin", inventory.ssh().user());
        assertEquals(22, inventory.ssh().port());
        assertNull(host(inventory, "master-1").ssh().user());
        assertEquals("deploy", host(inventory, "worker-a").ssh().user(), "[workers:vars] beats [all:vars]");
        assertNull(host(inventory, "worker-a").ssh().port());
        assertEquals(2200, host(inventory, "worker-d").ssh().port(), "name:port on the host line");
        assertEquals(Map.of("disk", "ssd"), host(inventory, "worker-d").labels());
        assertEquals("203.0.113.10", inventory.ssh().jumpHost().address());
        assertEquals(2222, inventory.ssh().jumpHost().port());
        assertEquals("jump", inventory.ssh().jumpHost().user());
        assertFalse(inventory.apps().rancher().enabled());
    }

    @Test
    void yamlInventoryWithNestedChildren() throws IOException {
        Inventory inventory = load("nested.yml", SourceFormat.ANSIBLE_YAML);
        assertEquals("yaml-lab", inventory.cluster().name());
        assertEquals(List.of("cp1", "cp2", "cp3"), inventory.servers().stream().map(Host::name).toList());
        assertEquals(List.of("gpu1", "gpu2", "cpu1", "cpu2"), inventory.agents().stream().map(Host::name).toList());
        assertEquals("cp1", inventory.bootstrapServer().name());
        assertEquals(Map.of("topology.kubernetes.io/zone", "c"), host(inventory, "cp3").labels());
        assertEquals(List.of("nvidia.com/gpu=true:NoSchedule"), host(inventory, "gpu2").taints());
        assertEquals(2222, host(inventory, "gpu1").ssh().port());
        assertNull(host(inventory, "cpu1").ssh().user());
        assertEquals("cpu-admin", host(inventory, "cpu2").ssh().user());
        assertEquals("ubuntu", inventory.ssh().user());
        assertEquals("cpu1.example.com", host(inventory, "cpu1").address());
    }

    @Test
    void jinjaValuesComeFromTheEnvironment() throws IOException {
        Inventory inventory = load("vault-jinja.ini", SourceFormat.ANSIBLE_INI);
        Host s1 = host(inventory, "s1");
        assertEquals("sudo-secret-value", s1.ssh().sudoPassword().reveal());
        assertEquals("$SEED_SUDO_PASSWORD", s1.ssh().sudoPassword().source());
        assertEquals("10.1.0.21", host(inventory, "a1").address(), "lookup('env', ...) reads the same variable");
        assertEquals("deploy", host(inventory, "a2").ssh().user());
        assertEquals("rancher.vault.example.com", inventory.apps().rancher().hostname());
        assertEquals(Path.of("/media/usb/bundle"), inventory.bundle().path());
    }

    @Test
    void vaultEncryptedYamlValueComesFromTheEnvironment() throws IOException {
        Inventory inventory = load("vault.yml", SourceFormat.ANSIBLE_YAML);
        assertEquals("sudo-secret-value", host(inventory, "seed1").ssh().sudoPassword().reveal());
        assertEquals("seed1", inventory.bootstrapServer().name());
    }

    @Test
    void noSecretValueAppearsInAnyDiagnostic() throws IOException {
        for (String name : List.of("mycluster/hosts.ini", "vault-jinja.ini", "vault.yml")) {
            Path file = AnsibleFixtures.GOOD.resolve(name);
            LoadedInventory loaded = AnsibleFixtures.load(file, ENVIRONMENT, AnsibleFixtures.home(dir.resolve(name.replace('/', '-'))));
            String all = String.join("\n", AnsibleFixtures.rendered(loaded, file));
            for (String secret : List.of("hunter2", "sudo-secret-value", "vault_sudo_password", "ANSIBLE_VAULT", "6231336539")) {
                assertFalse(all.contains(secret), name + " shows " + secret + ":\n" + all);
            }
        }
    }
}
