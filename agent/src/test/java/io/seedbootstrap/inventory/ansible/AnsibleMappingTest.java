package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Ansible groups and variables become our inventory, one rule at a time. */
class AnsibleMappingTest {
    private static final String CLUSTER_VARS = """

            [all:vars]
            seed_cluster_name=demo
            seed_rke2_version=v1.35.7+rke2r1
            seed_rancher_enabled=false
            """;

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void setUp() {
        home = AnsibleFixtures.home(dir);
    }

    private LoadedInventory load(String name, String text, LoadOptions options) {
        Path file = AnsibleFixtures.write(dir, name, text);
        return AnsibleFixtures.load(file, Map.of(), home, options);
    }

    private LoadedInventory load(String text) {
        return load("hosts.ini", text, LoadOptions.defaults());
    }

    private List<String> rendered(LoadedInventory loaded) {
        return AnsibleFixtures.rendered(loaded, dir.resolve(loaded.file().getFileName()));
    }

    private Inventory ok(LoadedInventory loaded) {
        assertTrue(loaded.ok(), () -> String.join("\n", rendered(loaded)));
        return loaded.inventory();
    }

    @Test
    void seedVariablesFollowTheModelAndIncludeTheDocumentedOnes() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("seed_cluster_name", "cluster.name"),
                Map.entry("seed_rke2_version", "cluster.rke2Version"),
                Map.entry("seed_cni", "cluster.cni"),
                Map.entry("seed_cilium_kube_proxy_replacement", "cluster.cilium.kubeProxyReplacement"),
                Map.entry("seed_registration_address", "cluster.registrationAddress"),
                Map.entry("seed_tls_san", "cluster.tlsSan"),
                Map.entry("seed_ingress_controller", "cluster.ingressController"),
                Map.entry("seed_bundle_path", "bundle.path"),
                Map.entry("seed_bundle_signing_key_fingerprint", "bundle.signingKeyFingerprint"),
                Map.entry("seed_pki_dir", "pki.dir"),
                Map.entry("seed_rancher_hostname", "apps.rancher.hostname"),
                Map.entry("seed_argocd_hostname", "apps.argocd.hostname"),
                Map.entry("seed_argocd_repo_url", "apps.argocd.repo.url"),
                Map.entry("seed_ssh_known_hosts", "ssh.knownHosts"),
                Map.entry("seed_preflight_server_memory_mib", "preflight.server.memoryMiB"),
                Map.entry("seed_labels", "apps.seedLabels"),
                Map.entry("seed_annotations", "apps.seedAnnotations"),
                Map.entry("seed_bootstrap", "bootstrap"),
                Map.entry("seed_host_key", "ssh.hostKey"));
        expected.forEach((name, path) -> assertEquals(path, AnsibleVariables.find(name).path(), name));
        assertEquals(AnsibleVariables.Level.HOST, AnsibleVariables.find("seed_bootstrap").level());
        assertTrue(AnsibleVariables.seedNames().size() > 60, "every inventory field has its seed_ variable");
        assertTrue(AnsibleVariables.seedNames().stream().allMatch(n -> n.matches("^seed_[a-z0-9_]+$")));
    }

    @Test
    void groupRoleFlagMapsCustomGroupsAndOverridesConventions() {
        String ini = """
                [control]
                c1 ansible_host=10.0.0.11

                [kube_node]
                w1 ansible_host=10.0.0.21
                """ + CLUSTER_VARS;
        LoadedInventory refused = load(ini);
        assertFalse(refused.ok());
        Inventory inventory = ok(load("hosts.ini", ini, new LoadOptions(null, Map.of("control", Role.SERVER, "missing", Role.AGENT))));
        assertEquals(Role.SERVER, inventory.host("c1").orElseThrow().role());
        assertEquals(Role.AGENT, inventory.host("w1").orElseThrow().role());
        assertEquals(List.of("{file}: warning: --group-role maps group missing, which this inventory does not have"),
                rendered(load("hosts.ini", ini, new LoadOptions(null, Map.of("control", Role.SERVER, "missing", Role.AGENT)))));
        Inventory swapped = ok(load("hosts.ini", ini.replace("[control]", "[rke2_servers]").replace("w1 ansible_host=10.0.0.21", "w1"),
                new LoadOptions(null, Map.of("rke2_servers", Role.AGENT, "kube_node", Role.SERVER))));
        assertEquals(Role.AGENT, swapped.host("c1").orElseThrow().role());
        assertEquals(Role.SERVER, swapped.host("w1").orElseThrow().role());
    }

    @Test
    void settingsOverlaySuppliesWhatTheInventoryCannotSay() {
        Path settings = AnsibleFixtures.write(dir, "settings.yaml", """
                cluster:
                  name: from-settings
                  rke2Version: v1.35.7+rke2r1
                  cni: cilium
                apps:
                  rancher: {hostname: rancher.example.internal}
                """);
        LoadedInventory loaded = load("site.ini", "[rke2_servers]\ns1 ansible_host=10.0.0.11\n", new LoadOptions(settings, Map.of()));
        Inventory inventory = ok(loaded);
        assertEquals("from-settings", inventory.cluster().name());
        assertEquals(Cni.CILIUM, inventory.cluster().cni());
        assertEquals(List.of(), rendered(loaded), "no hints about what the settings already say");
    }

    @Test
    void syntaxErrorsStopBeforeTheSettingsOverlay() {
        Path settings = AnsibleFixtures.write(dir, "settings.yaml", "cluster: {name: x}\n");
        LoadedInventory loaded = load("site.ini", "[rke2 servers]\ns1\n", new LoadOptions(settings, Map.of()));
        assertEquals(List.of("{file}:1:1: error: invalid section header; write [group], [group:children] or [group:vars] with no spaces "
                + "inside the brackets"), rendered(loaded));
    }

    @Test
    void namesBecomeNodeNames() {
        Inventory inventory = ok(load("""
                [rke2_servers]
                10.0.0.11
                NODE2.example.com seed_bootstrap=yes
                node3.example.com ansible_host=10.0.0.13

                [all:vars]
                seed_registration_address=10.0.0.100
                """ + CLUSTER_VARS.replace("[all:vars]", "")));
        assertEquals(List.of("10-0-0-11", "node2", "node3"), inventory.hosts().stream().map(Host::name).toList());
        assertEquals(List.of("10.0.0.11", "NODE2.example.com", "10.0.0.13"), inventory.hosts().stream().map(Host::address).toList());
        assertTrue(inventory.host("node2").orElseThrow().bootstrap(), "yes is true, as Ansible's bool filter reads it");
    }

    @Test
    void namesAreNotedWhenTheyChange() {
        LoadedInventory loaded = load("[rke2_servers]\n10.0.0.11\nNode_2 ansible_host=10.0.0.12 seed_bootstrap=true\n"
                + "[all:vars]\nseed_registration_address=10.0.0.100" + CLUSTER_VARS.replace("[all:vars]", ""));
        assertEquals(List.of(
                "{file}:2:1: note: host 10.0.0.11 is named 10-0-0-11 in the cluster; set node_name for a clearer node name",
                "{file}:2:1: warning: hosts: 2 servers is an even number: etcd keeps quorum with 2 of them, the same fault tolerance "
                        + "as 1; use an odd number",
                "{file}:3:1: note: host Node_2 is named node-2 in the cluster (node names are lower-case RFC 1123 labels)"),
                rendered(loaded));
    }

    @Test
    void lablabsStyleVariables() {
        Path file = AnsibleFixtures.write(dir, "lablabs.yml", """
                all:
                  vars:
                    rke2_version: v1.35.7+rke2r1
                    rke2_cni: [cilium]
                    rke2_api_ip: 10.0.0.100
                    rke2_additional_sans: [api.example.internal]
                    seed_cluster_name: lablabs
                    seed_rancher_enabled: false
                  children:
                    k8s_cluster:
                      children:
                        masters:
                          hosts:
                            m1: {ansible_host: 10.0.0.11, seed_bootstrap: true}
                            m2: {ansible_host: 10.0.0.12}
                            m3: {ansible_host: 10.0.0.13}
                        workers:
                          hosts:
                            w1: {ansible_host: 10.0.0.21, rke2_type: server}
                """);
        LoadedInventory loaded = AnsibleFixtures.load(file, Map.of(), home);
        Inventory inventory = ok(loaded);
        assertEquals(Cni.CILIUM, inventory.cluster().cni());
        assertEquals("10.0.0.100", inventory.cluster().registrationAddress());
        assertEquals(List.of("api.example.internal"), inventory.cluster().tlsSan());
        assertEquals(Role.SERVER, inventory.host("w1").orElseThrow().role(), "an explicit rke2_type wins over the group");
        assertEquals(4, inventory.servers().size());
    }

    @Test
    void localConnectionHostsWithoutRoleAreLeftOut() {
        LoadedInventory loaded = load("localhost ansible_connection=local\n\n[rke2_servers]\ns1 ansible_host=10.0.0.11\n" + CLUSTER_VARS);
        assertEquals(List.of("s1"), ok(loaded).hosts().stream().map(Host::name).toList());
        assertEquals(List.of("{file}:1:1: note: host localhost (ansible_connection=local) is in no server or agent group; it is not part "
                + "of the cluster"), rendered(loaded));
    }

    @Test
    void literalDollarBracesStayLiteralAsInAnsible() {
        Inventory inventory = ok(load("[rke2_servers]\ns1 ansible_host=10.0.0.11 ansible_become_password='pa${HOME}ss'\n" + CLUSTER_VARS));
        assertEquals("pa${HOME}ss", inventory.host("s1").orElseThrow().ssh().sudoPassword().reveal());
        Inventory python = ok(load("[rke2_servers]\ns1 ansible_host=10.0.0.11 ansible_become_password=True ansible_user=0x1F\n" + CLUSTER_VARS));
        assertEquals("True", python.host("s1").orElseThrow().ssh().sudoPassword().reveal(), "str(True), as Ansible passes it");
        assertEquals("31", python.host("s1").orElseThrow().ssh().user(), "str(0x1F), as Ansible passes it");
    }

    @Test
    void unsupportedConnectionVariablesAreWarnedOnceWithoutTheirValues() {
        LoadedInventory loaded = load("""
                [rke2_servers]
                s1 ansible_host=10.0.0.11 ansible_ssh_pass=topsecret1
                s2 ansible_host=10.0.0.12 ansible_ssh_pass=topsecret2 seed_bootstrap=true
                s3 ansible_host=10.0.0.13

                [rke2_servers:vars]
                seed_registration_address=10.0.0.100
                """ + CLUSTER_VARS);
        ok(loaded);
        assertEquals(List.of("{file}:2:27: warning: ansible_ssh_pass: ignored: SSH password logins are not supported; use a key "
                + "(ssh-agent, or ansible_ssh_private_key_file)"), rendered(loaded));
    }

    @Test
    void severalBastionHostsUseTheFirst() {
        LoadedInventory loaded = load("""
                [bastion]
                b1 ansible_host=198.51.100.1
                b2 ansible_host=198.51.100.2

                [rke2_servers]
                s1 ansible_host=10.0.0.11
                """ + CLUSTER_VARS);
        assertEquals("198.51.100.1", ok(loaded).ssh().jumpHost().address());
        assertEquals(22, loaded.inventory().ssh().jumpHost().port());
        assertEquals(List.of("{file}:3:1: note: group bastion has 2 hosts; the first, b1, is the jump host"), rendered(loaded));
    }

    @Test
    void hostVariablesInGroupVarsReachEveryMember() {
        Inventory inventory = ok(load("""
                [rke2_servers]
                s1 ansible_host=10.0.0.11

                [rke2_agents]
                a[1:2] node_labels=tier=web

                [rke2_agents:vars]
                ansible_port = 2222
                node_taints = '["dedicated=web:NoSchedule"]'
                """ + CLUSTER_VARS));
        Host a2 = inventory.host("a2").orElseThrow();
        assertEquals(2222, a2.ssh().port());
        assertEquals(List.of("dedicated=web:NoSchedule"), a2.taints(), "a list written as text in [group:vars]");
        assertEquals(Map.of("tier", "web"), a2.labels());
        assertEquals(22, inventory.ssh().port());
        assertEquals(null, inventory.host("s1").orElseThrow().ssh().port());
    }

    @Test
    void structuredSeedVariablesAreReadFromTheirLiterals() {
        LoadedInventory loaded = load("""
                [rke2_servers]
                s1 ansible_host=10.0.0.11

                [all:vars]
                seed_cluster_name=demo
                seed_rke2_version=v1.35.7+rke2r1
                seed_rancher_hostname=rancher.example.internal
                seed_rancher_bootstrap_password="{{ vault_rancher }}"
                seed_preflight_server_cpus = 4
                seed_rke2_config = '{"kubelet-arg": ["max-pods=150"]}'
                seed_argocd_repo_url = https://git.example.internal/platform/fleet.git
                seed_components = [{"name": "cert-manager"}, {"name": "external-dns", "wave": 2}]
                """);
        assertEquals(List.of("{file}:8:1: warning: seed_rancher_bootstrap_password: the value for group all is a Jinja template, which "
                + "seed-bootstrap does not evaluate; it is read from the environment variable SEED_RANCHER_BOOTSTRAP_PASSWORD instead "
                + "(export it)", "{file}:8:33: error: apps.rancher.bootstrapPassword: environment variable SEED_RANCHER_BOOTSTRAP_PASSWORD "
                + "is not set; export it before running seed-bootstrap"), rendered(loaded));
        Path file = dir.resolve("hosts.ini");
        Inventory inventory = ok(AnsibleFixtures.load(file, Map.of("SEED_RANCHER_BOOTSTRAP_PASSWORD", "pw"), home));
        assertEquals(4, inventory.preflight().server().cpus());
        assertEquals(List.of("max-pods=150"), inventory.rke2().config().get("kubelet-arg"));
        assertEquals(List.of("cert-manager", "external-dns"), inventory.apps().components().stream().map(c -> c.name()).toList());
        assertEquals(2, inventory.apps().components().get(1).wave());
        assertEquals("pw", inventory.apps().rancher().bootstrapPassword().reveal());
    }
}
