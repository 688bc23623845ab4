package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code install} end to end on test machines with the RKE2 contract double (test-vms/rke2-double,
 * a test double, not RKE2), installed by RKE2's own install.sh (../shared/upstream, when there):
 * one canal server from our inventory, one cilium server with kube-proxy replacement from an
 * Ansible project folder (hosts.ini, group_vars/, host_vars/, a vaulted value) and a bundle split into parts, one server whose /usr/local is a mount
 * point; each checked on the host as contract A.2–A.7 and B.1 say, then re-run to show it
 * converges without changes.
 */
class InstallIT {
    /** Three machines, each a single-server cluster of its own. */
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(3).build();

    @Test
    void installsACanalServerAndConvergesOnReRun() throws Exception {
        TestMachine vm = cluster.get(0);
        Path inventory = cluster.inventory("canal-it").server(vm).write();
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("Ready"), result.out());

        // contract A.5: config.yaml 0600, no secret inside, everything before the first start
        assertEquals("600 root", vm.sh("stat -c '%a %U' /etc/rancher/rke2/config.yaml").stdout().strip());
        JsonNode config = yaml(vm.sh("cat /etc/rancher/rke2/config.yaml").stdout());
        assertEquals("canal", config.path("cni").asText());
        assertEquals("ingress-nginx", config.path("ingress-controller").get(0).asText());
        assertEquals("0600", config.path("write-kubeconfig-mode").asText());
        assertEquals("/etc/rancher/rke2/seed-bootstrap-token", config.path("token-file").asText());
        assertTrue(config.path("tls-san").toString().contains(vm.ip()), config.toString());
        assertEquals("seed.example/it=yes", config.path("node-label").get(0).asText());
        assertFalse(config.has("server"), "the bootstrap server registers with nobody (A.10)");
        assertFalse(config.toString().contains("K10"), "no token inside config.yaml");
        assertEquals("600", vm.sh("stat -c %a /etc/rancher/rke2/seed-bootstrap-token").stdout().strip());
        // canal needs no HelmChartConfig; none written
        assertFalse(vm.sh("test -e /var/lib/rancher/rke2/server/manifests/rke2-canal-config.yaml").ok());

        // B.1: our CA set was used, B.3: the token RKE2 runs with is the PKI's
        assertEquals(sha(cluster.pki().resolve("cluster/server/tls/server-ca.crt")),
                vm.sh("sha256sum < /var/lib/rancher/rke2/server/tls/server-ca.crt | cut -c1-64").stdout().strip());
        assertEquals(Files.readString(cluster.pki().resolve("cluster/token")).strip(),
                vm.sh("cat /var/lib/rancher/rke2/server/token").stdout().strip());
        // A.2/A.3: split core + CNI archives in agent/images, the other CNI's not
        String images = vm.sh("ls /var/lib/rancher/rke2/agent/images").stdout();
        assertTrue(images.contains("rke2-images-core.linux-amd64.tar.zst") && images.contains("rke2-images-canal.linux-amd64.tar.zst"), images);
        assertFalse(images.contains("cilium"), images);
        assertTrue(vm.sh("systemctl is-active rke2-server").ok());
        assertTrue(vm.sh("test -x /usr/local/bin/rke2").ok(), "A.2: a writable /usr/local is the tarball prefix");
        // A.2: the release's install.sh did it: RKE2's own, unmodified, whenever ../shared/upstream has it
        String installSh = vm.sh("sha256sum < /var/lib/seed-bootstrap/artifacts/rke2/install.sh | cut -c1-64").stdout().strip();
        assertEquals(sha(cluster.bundle().resolve("rke2/install.sh")), installSh);
        if (TestBundles.upstreamInstallScript().isPresent()) {
            assertEquals(sha(TestBundles.upstreamInstallScript().get()), installSh, "upstream's install.sh");
        }

        // the kubeconfig: 0600, server at the registration address, context named after the cluster
        Path kubeconfig = inventory.getParent().resolve("canal-it.kubeconfig");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)));
        JsonNode kc = yaml(Files.readString(kubeconfig));
        assertEquals("https://" + vm.ip() + ":6443", kc.path("clusters").get(0).path("cluster").path("server").asText());
        assertEquals("canal-it", kc.path("current-context").asText());

        // the token never reached the operator's output or the run log
        String token = Files.readString(cluster.pki().resolve("cluster/token")).strip();
        String secretPart = token.substring(token.lastIndexOf(':') + 1);
        assertFalse(result.out().contains(secretPart) || result.err().contains(secretPart));
        for (Path log : cluster.runLogs()) {
            assertFalse(Files.readString(log).contains(secretPart), log.toString());
        }

        // converged: a second run changes nothing and restarts nothing
        String pidBefore = vm.sh("systemctl show -p MainPID --value rke2-server").stdout().strip();
        String since = vm.sh("sleep 1; date '+%Y-%m-%d %H:%M:%S'").stdout().strip();
        CommandRunner.Result again = cluster.run("install", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out());
        // issue 22 (P3): the lock's command looked at what the uploads, the cluster CA and the configuration read, so no
        // root command of the re-run checks files on its own (sudo logs every command; NodeFiles#states' starts with hf())
        String sudo = vm.sh("journalctl -q --no-pager -t sudo --since '" + since + "' | grep -o 'COMMAND=.*' || true").stdout();
        assertTrue(sudo.contains("COMMAND=/usr/bin/sh -c 'set -e; umask 077; mkdir -p /var/lib/seed-bootstrap"), "the lock's: " + sudo);
        // (the seed apps' manifests are still checked by a command of their own)
        assertTrue(sudo.lines().filter(l -> l.startsWith("COMMAND=/usr/bin/sh -c 'hf()"))
                .noneMatch(l -> l.contains("/etc/rancher/rke2/") || l.contains("/artifacts/rke2/") || l.contains("/server/tls/")), sudo);
        assertFalse(sudo.contains("COMMAND=/usr/bin/sh -c 'test -e /var/lib/rancher/rke2/server/db/etcd"), sudo);
        assertEquals(pidBefore, vm.sh("systemctl show -p MainPID --value rke2-server").stdout().strip());
        assertFalse(vm.sh("test -e /var/lib/seed-bootstrap/lock").ok(), "the host lock is released");

        // drift: a changed setting is shown as a diff and refused without the flag...
        Files.writeString(inventory, Files.readString(inventory).replace("labels: {seed.example/it: \"yes\"}", "labels: {seed.example/it: \"no\"}"));
        CommandRunner.Result drift = cluster.run("install", inventory.toString());
        assertEquals(3, drift.exitCode(), drift.err());
        assertTrue(drift.err().contains("- node-label:") || drift.err().contains("-   - seed.example/it=yes"), drift.err());
        assertTrue(drift.err().contains("+   - seed.example/it=no"), drift.err());
        assertTrue(drift.err().contains("--apply-config-changes"), drift.err());
        assertTrue(vm.sh("grep -q 'seed.example/it=yes' /etc/rancher/rke2/config.yaml").ok(), "nothing written without the flag");
        // ...applied with it, the server restarted to read it
        CommandRunner.Result applied = cluster.run("install", inventory.toString(), "--apply-config-changes");
        assertEquals(0, applied.exitCode(), applied.err());
        assertTrue(vm.sh("grep -q 'seed.example/it=no' /etc/rancher/rke2/config.yaml").ok());
        assertFalse(pidBefore.equals(vm.sh("systemctl show -p MainPID --value rke2-server").stdout().strip()), "restarted");
        // contract A.5: the CNI never changes on a running cluster, flag or not
        Files.writeString(inventory, Files.readString(inventory).replace("cni: canal", "cni: cilium"));
        CommandRunner.Result cni = cluster.run("install", inventory.toString(), "--apply-config-changes");
        assertEquals(3, cni.exitCode(), cni.err());
        assertTrue(cni.err().contains("cni cannot change on a running cluster"), cni.err());
        assertTrue(vm.sh("grep -qx 'cni: canal' /etc/rancher/rke2/config.yaml").ok());
        assertFalse(vm.sh("ls /var/lib/rancher/rke2/agent/images").stdout().contains("cilium"), "refused before any upload");
        // a stopped server still belongs to its cluster: the same refusal, nothing rewritten
        vm.sh("systemctl stop rke2-server").orThrow("stop");
        CommandRunner.Result stopped = cluster.run("install", inventory.toString());
        assertEquals(3, stopped.exitCode(), stopped.err());
        assertTrue(stopped.err().contains("cni cannot change on a running cluster") && stopped.err().contains("+ cni: cilium"), stopped.err());
        assertTrue(vm.sh("grep -qx 'cni: canal' /etc/rancher/rke2/config.yaml").ok());
    }

    /**
     * An Ansible project as projects keep it: the host line in hosts.ini, the cluster's variables
     * in group_vars/all.yml, the CNI in a group_vars/rke2_servers/ folder (whose cilium beats
     * hosts.ini's [all:vars] canal: Ansible's precedence), login and a Vault-encrypted node name
     * in host_vars/. The vaulted value is never decrypted: it is read from the environment.
     */
    @Test
    void installsACiliumServerFromAnAnsibleProjectFolder() throws Exception {
        TestMachine vm = cluster.get(1);
        Path project = Files.createDirectories(cluster.work().resolve("cilium-project"));
        Path ini = project.resolve("hosts.ini");
        Files.writeString(ini, String.join("\n",
                "[rke2_servers]",
                vm.name() + " ansible_host=" + vm.ip(),
                "",
                "[all:vars]",
                "seed_cni=canal", ""));
        Files.createDirectories(project.resolve("group_vars/rke2_servers"));
        Files.createDirectories(project.resolve("host_vars"));
        Files.writeString(project.resolve("group_vars/all.yml"), String.join("\n",
                "seed_cluster_name: cilium-it",
                "seed_rke2_version: v1.35.7+rke2r1",
                "seed_ssh_known_hosts: " + cluster.knownHosts(),
                "seed_bundle_path: " + cluster.splitBundle(),
                "seed_bundle_signing_key_fingerprint: " + cluster.signingKey().fingerprint(),
                "seed_pki_dir: " + cluster.pki(),
                "seed_pki_rsa_key_bits: 2048",
                "seed_rancher_enabled: false",
                "seed_argocd_enabled: false", ""));
        Files.writeString(project.resolve("group_vars/rke2_servers/10-cni.yml"), "seed_cni: cilium\n");
        Files.writeString(project.resolve("group_vars/rke2_servers/20-kube-proxy.yml"), "seed_cilium_kube_proxy_replacement: true\n");
        Files.writeString(project.resolve("host_vars/" + vm.name() + ".yml"), String.join("\n",
                "ansible_user: admin",
                "ansible_ssh_private_key_file: " + cluster.privateKey(),
                "node_name: !vault |",
                "  $ANSIBLE_VAULT;1.1;AES256",
                "  62313365396662343061393464336163383764373764613633653634306231386433626436623361", ""));
        // SEED_ + the host that set it + the field (docs/formats.md, "Templates and Vault")
        String vaultedEnv = "SEED_" + vm.name().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", "_") + "_NODE_NAME";
        Map<String, String> env = Map.of(vaultedEnv, "cilium-vaulted-node");
        String hostVars = project.resolve("host_vars/" + vm.name() + ".yml").toString();

        // validated: the vaulted value is named with the variable to export; without it, exit 2 before any host is touched
        CommandRunner.Result valid = cluster.run(env, "inventory", "validate", ini.toString());
        assertEquals(0, valid.exitCode(), valid.err());
        assertTrue(valid.err().contains(hostVars + ":3:1: warning: node_name: the value for host " + vm.name() + " is encrypted with Ansible "
                + "Vault, which seed-bootstrap does not decrypt; it is read from the environment variable " + vaultedEnv + " instead"), valid.err());
        CommandRunner.Result unset = cluster.run("inventory", "validate", ini.toString());
        assertEquals(2, unset.exitCode(), unset.err());
        assertTrue(unset.err().contains(hostVars + ":3:") && unset.err().contains("environment variable " + vaultedEnv + " is not set"),
                unset.err());

        CommandRunner.Result shown = cluster.run(env, "inventory", "show", "-o", "json", ini.toString());
        assertEquals(0, shown.exitCode(), shown.err());
        JsonNode sources = new ObjectMapper().readTree(shown.out()).path("sources");
        assertEquals(project.resolve("group_vars/rke2_servers/10-cni.yml") + ":1", sources.path("cluster.cni").asText(), shown.out());
        assertEquals(hostVars + ":3", sources.path("hosts[0].nodeName").asText(), shown.out());

        CommandRunner.Result result = cluster.run(env, "install", ini.toString(), "-o", "json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode summary = new ObjectMapper().readTree(result.out());
        assertTrue(summary.path("hosts").get(0).path("ready").asBoolean(), result.out());

        JsonNode config = yaml(vm.sh("cat /etc/rancher/rke2/config.yaml").stdout());
        assertEquals("cilium", config.path("cni").asText(), "group_vars/rke2_servers/ beats hosts.ini's [all:vars]");
        assertEquals("cilium-vaulted-node", config.path("node-name").asText(), "the vaulted node_name, read from the environment");
        assertTrue(config.path("disable-kube-proxy").asBoolean(), "A.7: kube-proxy replacement needs disable-kube-proxy");
        // A.7: the HelmChartConfig is named like the chart and was there before the first start
        JsonNode chartConfig = yaml(vm.sh("cat /var/lib/rancher/rke2/server/manifests/rke2-cilium-config.yaml").stdout());
        assertEquals("rke2-cilium", chartConfig.path("metadata").path("name").asText());
        assertEquals("kube-system", chartConfig.path("metadata").path("namespace").asText());
        JsonNode values = yaml(chartConfig.path("spec").path("valuesContent").asText());
        assertTrue(values.path("kubeProxyReplacement").asBoolean());
        assertEquals("localhost", values.path("k8sServiceHost").asText());
        assertEquals("6443", values.path("k8sServicePort").asText());
        String images = vm.sh("ls /var/lib/rancher/rke2/agent/images").stdout();
        assertTrue(images.contains("rke2-images-cilium") && !images.contains("canal"), images);
        // this bundle stores its files as 16 KiB parts: joined on the host, whole and verified, parts removed
        assertTrue(Files.exists(cluster.splitBundle().resolve("rke2/rke2.linux-amd64.tar.gz.part001")), "the test bundle is split");
        assertEquals(sha(cluster.bundle().resolve("rke2/rke2.linux-amd64.tar.gz")),
                vm.sh("sha256sum < /var/lib/seed-bootstrap/artifacts/rke2/rke2.linux-amd64.tar.gz | cut -c1-64").stdout().strip());
        assertEquals("", vm.sh("ls /var/lib/seed-bootstrap/artifacts/parts 2>/dev/null").stdout().strip());
    }

    /**
     * Contract A.2: install.sh installs under /opt/rke2 when /usr/local is a mount point (or
     * read-only), rewrites the units' paths and moves the units to /etc/systemd/system, leaving
     * their .env files beside the binary; the hosts' facts pick the same prefix, which install
     * passes as INSTALL_RKE2_TAR_PREFIX. With ../shared/upstream this is RKE2's own script
     * handling the double's tarball.
     */
    @Test
    void installsUnderOptRke2WhenUsrLocalIsAMountPoint() throws Exception {
        TestMachine vm = cluster.get(2);
        vm.sh("mount --bind /usr/local /usr/local").orThrow("make /usr/local a mount point");
        Path inventory = cluster.inventory("opt-it").server(vm).write();
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("Ready"), result.out());
        assertTrue(vm.sh("test -x /opt/rke2/bin/rke2 && test -x /opt/rke2/bin/rke2-uninstall.sh").ok());
        assertFalse(vm.sh("test -e /usr/local/bin/rke2").ok(), "nothing under /usr/local");
        assertEquals("/etc/systemd/system/rke2-server.service", vm.sh("systemctl show -p FragmentPath --value rke2-server").stdout().strip());
        assertTrue(vm.sh("grep -q '^ExecStart=/opt/rke2/bin/rke2 server' /etc/systemd/system/rke2-server.service").ok(),
                vm.sh("cat /etc/systemd/system/rke2-server.service").stdout());
        // the unit's EnvironmentFile points where the .env file stayed
        String environmentFiles = vm.sh("systemctl show -p EnvironmentFiles --value rke2-server").stdout();
        assertTrue(environmentFiles.contains("/opt/rke2/lib/systemd/system/rke2-server.env"), environmentFiles);
        assertTrue(vm.sh("test -f /opt/rke2/lib/systemd/system/rke2-server.env").ok());
        assertTrue(vm.sh("grep -q 'RKE2_BIN_DIR=\"/opt/rke2/bin\"' /opt/rke2/bin/rke2-uninstall.sh").ok(), "uninstall script rewritten");
        assertTrue(vm.sh("systemctl is-active rke2-server").ok());
        CommandRunner.Result again = cluster.run("install", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out());
    }

    private static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    private static String sha(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
