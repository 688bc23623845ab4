package io.seedbootstrap.inventory.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Connection;
import io.seedbootstrap.inventory.model.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * group_vars/ and host_vars/ beside an Ansible inventory: which files are read, in which order,
 * with Ansible's precedence; Vault values and files; errors named with file:line; and
 * ansible_connection.
 */
class AnsibleVarsFilesTest {
    private static final String VAULTED = """
            !vault |
              $ANSIBLE_VAULT;1.1;AES256
              62313365396662343061393464336163383764373764613633653634306231386433626436623361
              6134333665353966363534333632666535333761666131620a663537646436643839616531643561
            """;

    @TempDir
    Path dir;
    Path home;
    Path project;

    @BeforeEach
    void setUp() throws IOException {
        home = AnsibleFixtures.home(dir);
        project = Files.createDirectories(dir.resolve("project"));
    }

    private Path write(String relative, String text) throws IOException {
        Path file = project.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** hosts.ini with two servers in rke2_servers (a child of cluster) and one agent. */
    private Path inventory(String extra) throws IOException {
        return write("hosts.ini", """
                [rke2_servers]
                s1 ansible_host=10.0.0.11 seed_bootstrap=true
                s2 ansible_host=10.0.0.12
                [rke2_agents]
                a1 ansible_host=10.0.0.21
                [cluster:children]
                rke2_servers
                rke2_agents
                """ + extra);
    }

    private void clusterVars() throws IOException {
        write("group_vars/all.yml", """
                seed_cluster_name: demo
                seed_rke2_version: v1.35.7+rke2r1
                seed_rancher_enabled: false
                seed_registration_address: 10.0.0.100
                """);
    }

    private LoadedInventory load(Path file, Map<String, String> environment) {
        return AnsibleFixtures.load(file, environment, home, LoadOptions.defaults());
    }

    private List<String> rendered(LoadedInventory loaded) {
        return loaded.diagnostics().stream().map(d -> d.render().replace(project + "/", "")).toList();
    }

    private Inventory ok(LoadedInventory loaded) {
        assertTrue(loaded.ok(), () -> "inventory " + (loaded.inventory() == null ? "null" : "bound") + "\n" + String.join("\n", rendered(loaded)));
        return loaded.inventory();
    }

    private static String user(Inventory inventory, String host) {
        String own = inventory.host(host).orElseThrow().ssh().user();
        return own != null ? own : inventory.ssh().user();
    }

    @Test
    void precedenceIsAnsiblesInventoryFileGroupsThenGroupVarsFilesThenHostLineThenHostVars() throws IOException {
        Path file = inventory("""
                [all:vars]
                ansible_user=from-ini-all
                [cluster:vars]
                ansible_user=from-ini-cluster
                node_labels=["from=ini-cluster"]
                [rke2_servers:vars]
                ansible_user=from-ini-servers
                ansible_port=2201
                """);
        clusterVars();
        // group_vars/all beats every group's vars in the inventory file, even a child group's
        write("group_vars/all.yml", Files.readString(project.resolve("group_vars/all.yml")) + "ansible_user: from-group-vars-all\n");
        // a child group's file beats its parent's file
        write("group_vars/cluster.yml", "ansible_port: 2202\n");
        write("group_vars/rke2_servers.yml", "ansible_port: 2203\n");
        // host_vars beat the host's own line
        write("host_vars/s1.yml", "ansible_host: 10.9.9.11\nnode_labels: [\"from=host-vars\"]\n");
        Inventory inventory = ok(load(file, Map.of()));

        assertEquals("from-group-vars-all", user(inventory, "s1"), "group_vars/all.yml beats [rke2_servers:vars] in the inventory file");
        assertEquals("from-group-vars-all", user(inventory, "a1"));
        assertEquals(2203, port(inventory, "s1"), "group_vars/rke2_servers beats group_vars/cluster (child over parent)");
        assertEquals(2202, port(inventory, "a1"));
        assertEquals("10.9.9.11", inventory.host("s1").orElseThrow().address(), "host_vars beats the host line");
        assertEquals("10.0.0.12", inventory.host("s2").orElseThrow().address());
        assertEquals(Map.of("from", "host-vars"), inventory.host("s1").orElseThrow().labels());
        assertEquals(Map.of("from", "ini-cluster"), inventory.host("a1").orElseThrow().labels());
    }

    private static int port(Inventory inventory, String host) {
        Integer own = inventory.host(host).orElseThrow().ssh().port();
        return own != null ? own : inventory.ssh().port();
    }

    @Test
    void groupPriorityFromTheInventoryFileReordersGroupsOfTheSameDepthAndIsIgnoredInGroupVars() throws IOException {
        // a1 is in alpha and zulu (same depth): by name zulu wins; with priority 10, alpha wins
        String base = """
                [rke2_agents]
                a1 ansible_host=10.0.0.21
                [alpha]
                a1
                [zulu]
                a1
                [rke2_servers]
                s1 ansible_host=10.0.0.11
                """;
        write("group_vars/alpha.yml", "ansible_user: alpha\n");
        write("group_vars/zulu.yml", "ansible_user: zulu\n");
        clusterVars();
        Path byName = write("hosts.ini", base);
        assertEquals("zulu", user(ok(load(byName, Map.of())), "a1"));

        Path prioritised = write("hosts.ini", base + "[alpha:vars]\nansible_group_priority=10\n");
        assertEquals("alpha", user(ok(load(prioritised, Map.of())), "a1"));

        write("hosts.ini", base);
        write("group_vars/alpha.yml", "ansible_user: alpha\nansible_group_priority: 10\n");
        LoadedInventory fromFile = load(byName, Map.of());
        assertEquals("zulu", user(ok(fromFile), "a1"), "Ansible reads ansible_group_priority from the inventory file only");
        assertTrue(rendered(fromFile).contains("group_vars/alpha.yml:2:1: warning: ansible_group_priority: ignored here: Ansible takes a "
                + "group's priority only from the inventory file ([alpha:vars]), not from group_vars; move it there"), rendered(fromFile)::toString);

        Path bad = write("hosts.ini", base + "[alpha:vars]\nansible_group_priority=high\n");
        write("group_vars/alpha.yml", "ansible_user: alpha\n");
        assertTrue(rendered(load(bad, Map.of())).contains("hosts.ini:10:1: error: ansible_group_priority: must be a whole number (groups "
                + "with a higher priority win among groups of the same depth; the default is 1)"));
    }

    @Test
    void aFolderIsReadRecursivelyInLexicalOrderSkippingHiddenBackupAndForeignFiles() throws IOException {
        Path file = inventory("");
        clusterVars();
        write("group_vars/rke2_servers/10-base.yml", "ansible_user: ten\nansible_port: 2210\nnode_taints: [\"a=b:NoSchedule\"]\n");
        write("group_vars/rke2_servers/20-override.yaml", "ansible_user: twenty\n");
        write("group_vars/rke2_servers/30-nested/x.yml", "ansible_port: 2230\n");
        write("group_vars/rke2_servers/99-noext", "node_taints: [\"x=y:NoSchedule\"]\n");
        write("group_vars/rke2_servers/.hidden.yml", "ansible_user: hidden\n");
        write("group_vars/rke2_servers/zz.yml~", "ansible_user: backup\n");
        write("group_vars/rke2_servers/zz.txt", "ansible_user: text\n");
        Inventory inventory = ok(load(file, Map.of()));
        assertEquals("twenty", user(inventory, "s1"), "20-override.yaml comes after 10-base.yml; hidden, ~ and .txt files are not read");
        assertEquals(2230, port(inventory, "s2"), "a nested folder is read in place (30-nested after 20-...)");
        assertEquals(List.of("x=y:NoSchedule"), inventory.host("s2").orElseThrow().taints(), "a file without extension is read, last");
        assertEquals(List.of(), inventory.host("a1").orElseThrow().taints());
    }

    @Test
    void aFolderLinkedIntoItselfIsRefusedInsteadOfReadAgainAndAgain() throws IOException {
        Path file = inventory("");
        clusterVars();
        write("group_vars/rke2_servers/10-base.yml", "ansible_user: ten\n");
        Files.createSymbolicLink(project.resolve("group_vars/rke2_servers/loop"), project.resolve("group_vars/rke2_servers"));
        LoadedInventory loaded = load(file, Map.of());
        assertFalse(loaded.ok());
        assertTrue(rendered(loaded).stream().anyMatch(l -> l.contains("error: folders nested more than 16 levels deep (a symbolic link "
                + "to a parent folder?)")), rendered(loaded)::toString);
    }

    @Test
    void onlyTheFirstOfNameNameYmlNameYamlIsReadAsInAnsibleAndTheOthersAreWarned() throws IOException {
        Path file = inventory("");
        write("group_vars/all/cluster.yml", """
                seed_cluster_name: demo
                seed_rke2_version: v1.35.7+rke2r1
                seed_rancher_enabled: false
                seed_registration_address: 10.0.0.100
                """);
        write("group_vars/all.yml", "ansible_user: never-read\n");
        write("host_vars/s1.yml", "ansible_user: yml\n");
        write("host_vars/s1.yaml", "ansible_user: yaml\n");
        LoadedInventory loaded = load(file, Map.of());
        Inventory inventory = ok(loaded);
        assertEquals("yml", user(inventory, "s1"));
        assertEquals("root", user(inventory, "a1"), "group_vars/all.yml (never-read) is shadowed by the group_vars/all/ folder");
        assertTrue(rendered(loaded).contains("group_vars/all.yml: warning: not read: Ansible reads only the first of all, all.yml, "
                + "all.yaml, all.json, and all/ exists; merge them"), rendered(loaded)::toString);
        assertTrue(rendered(loaded).stream().anyMatch(l -> l.startsWith("host_vars/s1.yaml: warning: not read")), rendered(loaded)::toString);
    }

    @Test
    void vaultedValuesInVarsFilesBecomeTheDocumentedEnvironmentReferences() throws IOException {
        Path file = inventory("");
        clusterVars();
        write("group_vars/all.yml", Files.readString(project.resolve("group_vars/all.yml")) + "ansible_become_password: " + VAULTED);
        write("group_vars/rke2_agents.yml", "ansible_user: " + VAULTED);
        LoadedInventory loaded = load(file, Map.of("SEED_SUDO_PASSWORD", "sudo-from-env", "SEED_RKE2_AGENTS_SSH_USER", "agent-user"));
        Inventory inventory = ok(loaded);
        assertEquals("sudo-from-env", inventory.ssh().sudoPassword().reveal());
        assertEquals("$SEED_SUDO_PASSWORD", inventory.ssh().sudoPassword().source(), "through the inventory's ${ENV} secret mechanism");
        assertEquals("agent-user", user(inventory, "a1"), "scope (the group that set it) plus field: SEED_RKE2_AGENTS_SSH_USER");
        assertTrue(rendered(loaded).contains("group_vars/all.yml:5:1: warning: ansible_become_password: the value for group all is "
                + "encrypted with Ansible Vault, which seed-bootstrap does not decrypt; it is read from the environment variable "
                + "SEED_SUDO_PASSWORD instead (export it)"), rendered(loaded)::toString);
        String everything = String.join("\n", rendered(loaded));
        assertFalse(everything.contains("sudo-from-env") || everything.contains("6231336539"), "no secret or ciphertext in messages");

        LoadedInventory unset = load(file, Map.of());
        assertFalse(unset.ok());
        assertTrue(rendered(unset).stream().anyMatch(l -> l.startsWith("group_vars/all.yml:5:")
                && l.contains("environment variable SEED_SUDO_PASSWORD is not set")), rendered(unset)::toString);
    }

    @Test
    void aFileEncryptedAsAWholeIsNotReadAndNamedWithWhatToDo() throws IOException {
        Path file = inventory("");
        write("group_vars/all/vars.yml", """
                seed_cluster_name: demo
                seed_rke2_version: v1.35.7+rke2r1
                seed_rancher_enabled: false
                seed_registration_address: 10.0.0.100
                ansible_become_password: "{{ vault_become_password }}"
                """);
        write("group_vars/all/vault.yml", "$ANSIBLE_VAULT;1.1;AES256\n6231336539666234306139346433616338\n");
        LoadedInventory loaded = load(file, Map.of("SEED_SUDO_PASSWORD", "pw"));
        Inventory inventory = ok(loaded);
        assertEquals("$SEED_SUDO_PASSWORD", inventory.ssh().sudoPassword().source(), "the plain file's reference becomes ${ENV}");
        assertTrue(rendered(loaded).stream().anyMatch(l -> l.startsWith("group_vars/all/vault.yml:1:1: warning: encrypted as a whole with "
                + "Ansible Vault; seed-bootstrap never decrypts, so its variables are not read.")), rendered(loaded)::toString);
    }

    @Test
    void badYamlInAVarsFileIsNamedWithFileAndLineAndStopsBeforeTheMapping() throws IOException {
        Path file = inventory("");
        clusterVars();
        write("group_vars/rke2_servers/20-bad.yml", "ansible_user: ok\nnode_labels: [unclosed\nother: 1\n");
        write("host_vars/a1.yml", "- a list\n- not a mapping\n");
        LoadedInventory loaded = load(file, Map.of());
        assertFalse(loaded.ok());
        List<String> lines = rendered(loaded);
        assertTrue(lines.stream().anyMatch(l -> l.matches("group_vars/rke2_servers/20-bad\\.yml:3:\\d+: error: YAML syntax error: .*")),
                lines::toString);
        assertTrue(lines.contains("host_vars/a1.yml:1:1: error: a variables file is a mapping of variables (name: value), found a list; "
                + "Ansible refuses it too"), lines::toString);
        assertEquals(2, lines.size(), "no follow-on errors from a half-read project: " + lines);
    }

    @Test
    void unknownVariablesInVarsFilesAreNotedOnceWhereFirstSeenAndStraysAreNoted() throws IOException {
        Path file = inventory("");
        clusterVars();
        write("group_vars/rke2_servers.yml", "ntp_server: ntp.example\n");
        write("host_vars/s1.yml", "ntp_server: other\nseed_rke2_verison: v1\n");
        write("group_vars/rke2_server.yml", "ansible_user: typo\n");
        LoadedInventory loaded = load(file, Map.of());
        List<String> lines = rendered(loaded);
        assertTrue(lines.contains("group_vars/rke2_servers.yml:1:1: note: ntp_server: not used by seed-bootstrap; ignored"), lines::toString);
        assertEquals(1, lines.stream().filter(l -> l.contains("ntp_server")).count(), lines::toString);
        assertTrue(lines.contains("host_vars/s1.yml:2:1: error: seed_rke2_verison: unknown seed-bootstrap variable \"seed_rke2_verison\"; "
                + "did you mean \"seed_rke2_version\"?"), lines::toString);
        assertTrue(lines.contains("group_vars/rke2_server.yml: note: this inventory has no group named rke2_server, so this is not read "
                + "(as in Ansible); check the name"), lines::toString);
    }

    @Test
    void aYamlInventoryReadsTheFoldersBesideItToo() throws IOException {
        Path file = write("inventory.yml", """
                all:
                  children:
                    rke2_servers:
                      hosts:
                        s1: {ansible_host: 10.0.0.11}
                """);
        clusterVars();
        write("host_vars/s1.yml", "ansible_user: yaml-project\n");
        assertEquals("yaml-project", user(ok(load(file, Map.of())), "s1"));
    }

    @Test
    void ansibleConnectionLocalMapsToTheConnectionFieldAndOtherPluginsAreRefused() throws IOException {
        String text = """
                [rke2_servers]
                s1 ansible_host=10.0.0.11 ansible_connection=local
                s2 ansible_host=10.0.0.12 ansible_connection=smart seed_bootstrap=true
                s3 ansible_host=10.0.0.13 ansible_connection=ansible.builtin.ssh
                [all:vars]
                seed_cluster_name=demo
                """;
        Path file = write("hosts.ini", text);
        RawNode.RawMap tree = (RawNode.RawMap) AnsibleInventoryConverter.fromIni(file, text, Map.of(), null, new Diagnostics());
        RawNode.RawList hosts = (RawNode.RawList) tree.entries().get("hosts").value();
        assertEquals(List.of("local", "ssh", "ssh"), hosts.items().stream()
                .map(h -> ((RawNode.RawScalar) ((RawNode.RawMap) h).entries().get("connection").value()).text()).toList());
        assertEquals(2, ((RawNode.RawMap) hosts.items().get(0)).entries().get("connection").keyPosition().line());

        // through the whole loader: the field is bound (whether 10.0.0.11 is this machine is the CLI loader's check)
        clusterVars();
        Inventory local = ok(load(file, Map.of()));
        assertEquals(Connection.LOCAL, local.host("s1").orElseThrow().connection());

        Path sshOnly = write("hosts.ini", text.replace(" ansible_connection=local", ""));
        Inventory inventory = ok(load(sshOnly, Map.of()));
        assertEquals(Connection.SSH, inventory.host("s2").orElseThrow().connection());

        write("group_vars/rke2_servers.yml", "ansible_connection: docker\n");
        LoadedInventory docker = load(sshOnly, Map.of());
        assertFalse(docker.ok());
        assertTrue(rendered(docker).contains("group_vars/rke2_servers.yml:1:1: error: ansible_connection: \"docker\" (host s1) is not a "
                + "connection seed-bootstrap can use: it reaches hosts over SSH (ssh, smart, paramiko) or runs on the host itself (local); "
                + "remove it or set one of those"), rendered(docker)::toString);
        assertEquals(1, rendered(docker).stream().filter(l -> l.contains("docker")).count(), "a group's value is reported once");
    }

    /**
     * paramiko is Ansible's Python SSH client: the host runs the same sshd, so seed-bootstrap
     * reaches it over SSH with its own client, and the plugin's own variable names
     * (ansible_paramiko_host/_port/_user) set the same fields as ansible_host/_port/_user.
     */
    @Test
    void paramikoHostsAreReachedOverSshWithThePluginsOwnVariableNames() throws IOException {
        String text = """
                [rke2_servers]
                s1 ansible_connection=paramiko ansible_paramiko_host=10.0.0.11 ansible_paramiko_port=2222 ansible_paramiko_user=ops seed_bootstrap=true
                s2 ansible_connection=ansible.builtin.paramiko_ssh ansible_host=10.0.0.12
                """;
        Path file = write("hosts.ini", text);
        clusterVars();
        LoadedInventory loaded = load(file, Map.of());
        Inventory inventory = ok(loaded);
        assertEquals(Connection.SSH, inventory.host("s1").orElseThrow().connection());
        assertEquals(Connection.SSH, inventory.host("s2").orElseThrow().connection());
        assertEquals("10.0.0.11", inventory.host("s1").orElseThrow().address());
        assertEquals(2222, port(inventory, "s1"));
        assertEquals("ops", user(inventory, "s1"));
        assertFalse(rendered(loaded).stream().anyMatch(l -> l.contains("ansible_paramiko")), rendered(loaded)::toString);

        // aliases that disagree are refused, as ansible_host and ansible_ssh_host are; a paramiko password is a warning
        Path both = write("hosts.ini", text.replace("ansible_host=10.0.0.12", "ansible_host=10.0.0.12 ansible_paramiko_host=10.0.0.99"
                + " ansible_paramiko_pass=secret"));
        LoadedInventory disagree = load(both, Map.of());
        assertFalse(disagree.ok());
        assertTrue(rendered(disagree).stream().anyMatch(l -> l.contains("error: ansible_paramiko_host: disagrees with ansible_host")),
                rendered(disagree)::toString);
        assertTrue(rendered(disagree).stream().anyMatch(l -> l.contains("warning: ansible_paramiko_pass: ignored: SSH password logins are "
                + "not supported")), rendered(disagree)::toString);
    }
}
