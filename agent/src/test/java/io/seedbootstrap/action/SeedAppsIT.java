package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.images.builder.Transferable;

/**
 * The seed apps deployed by {@code install} on test machines with the RKE2 contract double
 * (test-vms/rke2-double: a test double, not RKE2; its helm-controller follows helm-controller
 * v0.17.7 and klipper-helm's entry, but renders nothing and runs no pod): a server and an agent,
 * cert-manager, MetalLB, Rancher and ArgoCD from the bundle's charts. The first install finds
 * Rancher's image missing (the double's failure hook), stops, and a re-run after the fix gets the
 * failed release installed again; then everything is checked on the hosts as contract D–H say,
 * re-run to show nothing is rewritten, and refused with a host name no certificate covers. Then,
 * on the same cluster, a failed upgrade of a deployed app, and a chart file deleted by hand.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedAppsIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    static final List<String> FILES = List.of("seed-cert-manager", "seed-cert-manager-issuer", "seed-metallb", "seed-metallb-config",
            "seed-rancher", "seed-argocd", "seed-argocd-applicationsets");
    static final String MANIFESTS = "/var/lib/rancher/rke2/server/manifests/";
    static final String KUBECTL = SeedCluster.KUBECTL;

    private Path inventory(String rancherHost) {
        return inventory(rancherHost, "");
    }

    /** @param rancherExtra more keys of apps.rancher, e.g. {@code ", replicas: 2"} */
    private Path inventory(String rancherHost, String rancherExtra) {
        return cluster.inventory("apps-it")
                .apps("apps:",
                        "  rancher: {hostname: " + rancherHost + rancherExtra + "}",
                        "  argocd:",
                        "    repo: {url: \"https://git.it.example.internal/platform/fleet.git\"}",
                        "  components: [{name: monitoring}, {name: external-dns}]",
                        "  seedLabels: {app/monitoring: install}")
                .with("registries:",
                        "  systemDefaultRegistry: registry.it.example.internal:5000",
                        "  mirrors: {docker.io: {endpoints: [\"https://registry.it.example.internal:5000\"]}}",
                        "metallb: {enabled: true, pools: [{name: ingress, addresses: [\"192.0.2.200-192.0.2.210\"]}]}")
                .write();
    }

    /**
     * The bug of issue 16: with failurePolicy abort, klipper-helm leaves a release whose first
     * install failed in {@code failed}, and every later run of the job (deleting the job only makes
     * another) waits for an operator (entry:68-75). The first install stops with helm's error;
     * after the fix a re-run has klipper-helm uninstall and install Rancher again, says so, and
     * leaves cert-manager and MetalLB exactly as they were.
     */
    @Test
    @Order(1)
    void aSeedAppWhoseFirstInstallFailedIsInstalledAgainByARerunAfterTheFix() throws Exception {
        TestMachine server = cluster.get(0);
        Path inventory = inventory("rancher.it.example.internal");
        assertTrue(server.sh("mkdir -p /etc/rke2-double").ok());
        String log = "Error: INSTALLATION FAILED: failed pre-install: image registry.it.example.internal:5000/rancher/rancher:v2.14.3 "
                + "not found";
        server.container().copyFileToContainer(Transferable.of("rancher: \"" + log + "\"\n"), HELM_FAILURES);

        CommandRunner.Result failed = cluster.run("install", inventory.toString(), "--wait-timeout", "120");
        assertEquals(1, failed.exitCode(), "README: exit 1 when a seed app's job fails\n" + failed.err());
        String message = failed.err();
        System.err.println("--- the failed first install's stderr ---\n" + message);
        assertTrue(message.contains("Rancher (HelmChart kube-system/rancher): release rancher in cattle-system is failed (revision 1: "
                + "Release \"rancher\" failed: Error: INSTALLATION FAILED: failed pre-install: image"), message);
        assertTrue(message.contains("job kube-system/helm-install-rancher waits for an operator"), message);
        assertTrue(message.contains("Last lines of its log (`kubectl -n kube-system logs job/helm-install-rancher`):"), message);
        assertTrue(message.contains("It was never deployed."), message);
        assertTrue(message.contains("then run install again: for a release that never reached deployed it has klipper-helm uninstall "
                + "it and install it again"), message);
        assertFalse(message.contains("ArgoCD: installed"), "ArgoCD comes after Rancher: not reached\n" + message);
        // what the double's helm-controller did, as klipper-helm's entry does: revision 1 failed, and the
        // job's next run (the container restarts: restartPolicy OnFailure) only waits for an operator
        assertEquals("failed", releaseStatus(server, "cattle-system", "rancher", 1));
        String rancherReleaseUid = secretField(server, "cattle-system", "sh.helm.release.v1.rancher.v1", "{.metadata.uid}");
        assertTrue(waitFor(() -> server.sh(KUBECTL + "-n kube-system logs job/helm-install-rancher").stdout()
                .contains("Release status is 'failed' and failure policy is 'abort'; waiting for operator intervention"), 40),
                "the job's next run aborts: " + server.sh(KUBECTL + "-n kube-system logs job/helm-install-rancher").stdout());
        assertEquals("", server.sh(KUBECTL + "-n kube-system get job helm-install-rancher -o jsonpath='{.status.succeeded}'").stdout().strip());
        // the other apps, as the re-run must leave them
        String others = othersState(server);
        assertTrue(others.contains("helm-install-cert-manager") && others.contains("sh.helm.release.v1.metallb.v1"), others);

        // the cause is fixed (the image pushed): the re-run gets the release installed again and says how
        server.sh("rm -f " + HELM_FAILURES);
        CommandRunner.Result fixed = cluster.run("install", inventory.toString(), "--wait-timeout", "120");
        assertEquals(0, fixed.exitCode(), fixed.err());
        assertTrue(fixed.err().contains("Rancher: release rancher in cattle-system failed on its first install (revision 1: Release "
                + "\"rancher\" failed: Error: INSTALLATION FAILED") && fixed.err().contains("and was never deployed: klipper-helm is to "
                + "uninstall it and install it again (failurePolicy reinstall for this run)"), fixed.err());
        assertTrue(fixed.err().contains("Rancher: installed (its failed release was uninstalled and installed again)"), fixed.err());
        assertTrue(fixed.err().contains("ArgoCD: installed"), fixed.err());
        assertEquals("deployed", releaseStatus(server, "cattle-system", "rancher", 1));
        assertFalse(rancherReleaseUid.equals(secretField(server, "cattle-system", "sh.helm.release.v1.rancher.v1", "{.metadata.uid}")),
                "helm uninstall, then install: a new revision 1");
        assertTrue(server.sh(KUBECTL + "-n kube-system logs job/helm-install-rancher").stdout().contains("STATUS: deployed"));
        assertEquals("", server.sh(KUBECTL + "-n kube-system get helmchartconfig rancher --ignore-not-found -o name").stdout().strip(),
                "the HelmChartConfig that set reinstall is gone: abort holds again");
        assertEquals(others, othersState(server), "cert-manager and MetalLB untouched");
        List<Path> logs = cluster.runLogs();
        assertTrue(logs.stream().anyMatch(f -> read(f).contains("create HelmChartConfig kube-system/rancher with failurePolicy reinstall")),
                "the change is in the run's log");
    }

    @Test
    @Order(2)
    void deploysTheSeedAppsOnTheBootstrapServerAndConverges() throws Exception {
        TestMachine server = cluster.get(0);
        TestMachine agent = cluster.get(1);
        Path inventory = inventory("rancher.it.example.internal");
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertEquals(0, result.exitCode(), result.err());

        // D: the files are on the bootstrap server only, 0600, each recorded as an applied AddOn with its checksum
        for (String name : FILES) {
            assertEquals("600", server.sh("stat -c %a " + MANIFESTS + name + ".yaml").stdout().strip(), name);
            String sha = server.sh("sha256sum < " + MANIFESTS + name + ".yaml | cut -c1-64").stdout().strip();
            assertEquals(sha, server.sh(KUBECTL + "-n kube-system get addon " + name + " -o jsonpath='{.spec.checksum}'").stdout().strip(), name);
            assertFalse(agent.sh("test -e " + MANIFESTS + name + ".yaml").ok(), name + " only on the bootstrap server");
        }
        // the install waited for every chart's job, and each completed
        for (String chart : List.of("cert-manager", "metallb", "rancher", "argocd")) {
            assertEquals("1", server.sh(KUBECTL + "-n kube-system get job helm-install-" + chart + " -o jsonpath='{.status.succeeded}'")
                    .stdout().strip(), chart);
        }
        assertTrue(result.err().contains("Rancher: waiting for job kube-system/helm-install-rancher"), result.err());
        // house rule 4: no Secret and no key in the manifests folder
        assertFalse(server.sh("grep -l -e 'kind: Secret' -e 'PRIVATE KEY' -e bootstrapPassword " + MANIFESTS + "seed-*.yaml").ok());

        // E.2: Rancher's Secrets from the site hierarchy, created with kubectl
        assertEquals(b64(cluster.pki().resolve("site/cacerts.pem")),
                server.sh(KUBECTL + "-n cattle-system get secret tls-ca -o jsonpath='{.data.cacerts\\.pem}'").stdout().strip());
        assertEquals(b64(cluster.pki().resolve("site/certs/rancher.it.example.internal/tls.crt")),
                server.sh(KUBECTL + "-n cattle-system get secret tls-rancher-ingress -o jsonpath='{.data.tls\\.crt}'").stdout().strip());
        // G: the ClusterIssuer's key pair is the site issuing CA
        assertEquals(b64(cluster.pki().resolve("site/issuing-ca.crt")),
                server.sh(KUBECTL + "-n cert-manager get secret site-ca-key-pair -o jsonpath='{.data.tls\\.crt}'").stdout().strip());
        // H: MetalLB's namespace is privileged
        assertEquals("privileged", server.sh(KUBECTL + "get namespace metallb-system -o jsonpath='{.metadata.labels.pod-security\\.kubernetes\\.io/enforce}'")
                .stdout().strip());
        // F.2: the seed as an ArgoCD cluster with its labels
        assertEquals("install", server.sh(KUBECTL + "-n argocd get secret seed-cluster -o jsonpath='{.metadata.labels.app/monitoring}'")
                .stdout().strip());

        // generated passwords: saved 0600 beside the kubeconfig, in the values Secret, never printed or logged
        Path rancherPassword = inventory.getParent().resolve("apps-it-rancher-bootstrap-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rancherPassword)));
        String password = Files.readString(rancherPassword).strip();
        String values = new String(Base64.getDecoder().decode(server.sh(KUBECTL
                + "-n kube-system get secret seed-rancher-values -o jsonpath='{.data.values\\.yaml}'").stdout().strip()));
        assertTrue(values.contains(password), "the Rancher chart gets it through valuesSecrets");
        String argoPassword = Files.readString(inventory.getParent().resolve("apps-it-argocd-admin-password")).strip();
        for (String secret : List.of(password, argoPassword)) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret));
            for (Path log : cluster.runLogs()) {
                assertFalse(Files.readString(log).contains(secret), log.toString());
            }
            assertFalse(server.sh("grep -rl " + secret + " /var/lib/rancher/rke2/server/manifests /etc/rancher").ok());
        }

        // issue 18: the hand-off to Terraform beside the kubeconfig: 0600, the seed's public facts, no secret; the module beside it
        Path handoff = inventory.getParent().resolve("apps-it-handoff.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(handoff)));
        com.fasterxml.jackson.databind.JsonNode handoffJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(handoff.toFile());
        assertEquals("https://rancher.it.example.internal", handoffJson.path("rancher").path("url").asText());
        assertEquals(Files.readString(cluster.pki().resolve("site/cacerts.pem")), handoffJson.path("rancher").path("caPem").asText());
        assertEquals(inventory.getParent().resolve("apps-it.kubeconfig").toAbsolutePath().toString(),
                handoffJson.path("seed").path("kubeconfig").asText());
        String kubeconfigServer = yamlServer(inventory.getParent().resolve("apps-it.kubeconfig"));
        assertEquals(kubeconfigServer, handoffJson.path("seed").path("apiUrl").asText(), "the seed's API URL, as the kubeconfig has it");
        assertTrue(Files.readString(inventory.getParent().resolve("apps-it-terraform/main.tf")).contains("resource \"rancher2_bootstrap\""));
        for (String secret : List.of(password, argoPassword)) {
            assertFalse(Files.readString(handoff).contains(secret), "no secret in the hand-off");
        }

        // A.3: the apps' image archive on every node
        for (TestMachine vm : List.of(server, agent)) {
            assertTrue(vm.sh("ls /var/lib/rancher/rke2/agent/images").stdout().contains("docker.io_rancher_rancher_v2.14.3"), vm.name());
        }

        // converged: nothing rewritten (mtimes kept), no Secret touched, nothing changed
        String mtimes = server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout();
        String secretVersion = server.sh(KUBECTL + "-n kube-system get secret seed-argocd-values -o jsonpath='{.metadata.resourceVersion}'").stdout();
        Thread.sleep(1100);
        CommandRunner.Result again = cluster.run("install", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out() + again.err());
        assertEquals(mtimes, server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout());
        assertEquals(secretVersion, server.sh(KUBECTL + "-n kube-system get secret seed-argocd-values -o jsonpath='{.metadata.resourceVersion}'").stdout());

        // a Rancher host name no site certificate covers: refused before any host is contacted (exit 2)
        CommandRunner.Result refused = cluster.run("install", inventory("rancher.other.example.internal").toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("apps.rancher.hostname rancher.other.example.internal: no certificate covers it"), refused.err());
        assertTrue(refused.err().contains("nothing was changed on any host"), refused.err());
        assertEquals(mtimes, server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout());
    }

    /** The server URL of the kubeconfig install wrote. */
    private static String yamlServer(Path kubeconfig) throws Exception {
        com.fasterxml.jackson.databind.JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(kubeconfig.toFile());
        return config.path("clusters").get(0).path("cluster").path("server").asText();
    }

    /** Double-only hook (test-vms/rke2-double README): while a HelmChart is named here, its next job fails with the text. */
    static final String HELM_FAILURES = "/etc/rke2-double/helm-install-failures";

    /**
     * A deployed app whose upgrade (a changed chart) fails: stopped with helm's error, the password
     * it echoes masked; the failed release is never uninstalled; after the fix a re-run has
     * klipper-helm upgrade it again from the failed state (failurePolicy retry, entry:86-91).
     */
    @Test
    @Order(3)
    void aFailedUpgradeOfADeployedAppStopsTheInstallAndARerunAfterTheFixUpgradesItAgain() throws Exception {
        TestMachine server = cluster.get(0);
        Path converged = inventory("rancher.it.example.internal");
        Path rancherPassword = converged.getParent().resolve("apps-it-rancher-bootstrap-password");
        if (!Files.exists(rancherPassword)) { // run alone: converge first
            CommandRunner.Result first = cluster.run("install", converged.toString());
            assertEquals(0, first.exitCode(), first.err());
        }
        String password = Files.readString(rancherPassword).strip();
        int deployed = Integer.parseInt(server.sh(KUBECTL + "-n cattle-system get secret -l owner=helm,name=rancher,status=deployed "
                + "-o jsonpath='{.items[0].metadata.labels.version}'").stdout().strip());
        // the job's log as a failing helm upgrade could end; its last line echoes a value it was given, as chart errors can
        String log = "Error: UPGRADE FAILED: failed pre-upgrade: image registry.it.example.internal:5000/rancher/rancher:v2.14.3 "
                + "not found\nvalues given: bootstrapPassword=" + password;
        assertTrue(server.sh("mkdir -p /etc/rke2-double").ok());
        server.container().copyFileToContainer(Transferable.of("rancher: \"" + log.replace("\n", "\\n") + "\"\n"), HELM_FAILURES);
        Path changed = inventory("rancher.it.example.internal", ", replicas: 2"); // a new HelmChart, so the helm-controller runs a new job
        List<Path> logsBefore = cluster.runLogs();

        CommandRunner.Result failed = cluster.run("install", changed.toString());
        assertEquals(1, failed.exitCode(), "README: exit 1 when a seed app's job fails\n" + failed.err());
        String message = failed.err();
        System.err.println("--- the failed upgrade's stderr ---\n" + message);
        assertTrue(message.contains("Rancher (HelmChart kube-system/rancher): release rancher in cattle-system is failed (revision "
                + (deployed + 1) + ": Upgrade \"rancher\" failed: Error: UPGRADE FAILED"), message);
        assertTrue(message.contains("Last lines of its log (`kubectl -n kube-system logs job/helm-install-rancher`):"), message);
        assertTrue(message.contains("image registry.it.example.internal:5000/rancher/rancher:v2.14.3 not found"), message);
        assertTrue(message.contains("values given: bootstrapPassword=<redacted>"), "the log tail, password masked:\n" + message);
        assertFalse(message.contains("ArgoCD: installed"), "ArgoCD comes after Rancher: not reached\n" + message);
        for (Path file : cluster.runLogs()) {
            String text = Files.readString(file);
            assertFalse(text.contains(password), file + " holds the password");
            if (!logsBefore.contains(file)) {
                assertTrue(message.contains("The full log of this run: " + file), message);
            }
        }
        assertFalse(failed.out().contains(password) || failed.err().contains(password));
        assertEquals("deployed", releaseStatus(server, "cattle-system", "rancher", deployed), "the deployed revision is kept");

        // the cause is fixed (the image pushed): the re-run upgrades the failed release again, nothing uninstalled
        server.sh("rm -f " + HELM_FAILURES);
        String others = othersState(server);
        CommandRunner.Result fixed = cluster.run("install", changed.toString());
        assertEquals(0, fixed.exitCode(), fixed.err());
        assertTrue(fixed.err().contains("Rancher: release rancher in cattle-system failed to upgrade (revision " + (deployed + 1))
                && fixed.err().contains("klipper-helm is to upgrade it again from the failed state (nothing is uninstalled) "
                + "(failurePolicy retry for this run)"), fixed.err());
        assertTrue(fixed.err().contains("Rancher: installed (its failed release was upgraded again)"), fixed.err());
        assertEquals("deployed", releaseStatus(server, "cattle-system", "rancher", deployed + 2));
        assertEquals("superseded", releaseStatus(server, "cattle-system", "rancher", deployed));
        assertEquals("", server.sh(KUBECTL + "-n kube-system get helmchartconfig rancher --ignore-not-found -o name").stdout().strip());
        assertEquals(others, othersState(server), "the other apps untouched");
        CommandRunner.Result again = cluster.run("install", changed.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out() + again.err());
    }

    @Test
    @Order(4)
    void aChartFileDeletedByHandIsPutBackWithoutWaitingForAJobThatNeverComes() throws Exception {
        TestMachine server = cluster.get(0);
        Path converged = inventory("rancher.it.example.internal", ", replicas: 2");
        CommandRunner.Result first = cluster.run("install", converged.toString());
        assertEquals(0, first.exitCode(), first.err());
        String before = server.sh("sha256sum " + MANIFESTS + "seed-cert-manager.yaml").stdout();
        assertTrue(server.sh("rm " + MANIFESTS + "seed-cert-manager.yaml").ok());

        // the HelmChart in the cluster is unchanged, so the helm-controller starts no new job: the
        // completed one counts (a wait for a new one would run into the 30 s deadline: exit 1)
        String job = server.sh(KUBECTL + "-n kube-system get job helm-install-cert-manager -o jsonpath='{.metadata.uid}'").stdout().strip();
        CommandRunner.Result rerun = cluster.run("install", converged.toString(), "--wait-timeout", "30");
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(java.util.regex.Pattern.compile("(?<!\\d)1 change\\(s\\) made").matcher(rerun.out()).find(), rerun.out() + rerun.err());
        assertEquals(before, server.sh("sha256sum " + MANIFESTS + "seed-cert-manager.yaml").stdout(), "the same file is back");
        assertEquals(job, server.sh(KUBECTL + "-n kube-system get job helm-install-cert-manager -o jsonpath='{.metadata.uid}'").stdout()
                .strip(), "no new job: the completed one counted");
    }

    /** The status label of one revision of a Helm release (Helm's secret driver, contract D). */
    private static String releaseStatus(TestMachine server, String namespace, String release, int version) {
        return secretField(server, namespace, "sh.helm.release.v1." + release + ".v" + version, "{.metadata.labels.status}");
    }

    private static String secretField(TestMachine server, String namespace, String name, String jsonpath) {
        return server.sh(KUBECTL + "-n " + namespace + " get secret " + name + " -o jsonpath='" + jsonpath + "'").stdout().strip();
    }

    /** cert-manager's and MetalLB's jobs and release Secrets, by name, uid and resourceVersion: any touch changes it. */
    private static String othersState(TestMachine server) throws Exception {
        StringBuilder state = new StringBuilder();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String[] app : List.of(new String[] {"cert-manager", "cert-manager"}, new String[] {"metallb", "metallb-system"})) {
            List<com.fasterxml.jackson.databind.JsonNode> objects = new ArrayList<>();
            objects.add(json.readTree(server.sh(KUBECTL + "-n kube-system get job helm-install-" + app[0] + " -o json").stdout()));
            json.readTree(server.sh(KUBECTL + "-n " + app[1] + " get secret -l owner=helm,name=" + app[0] + " -o json").stdout())
                    .path("items").forEach(objects::add);
            for (com.fasterxml.jackson.databind.JsonNode o : objects) {
                com.fasterxml.jackson.databind.JsonNode md = o.path("metadata");
                state.append(md.path("name").asText()).append(' ').append(md.path("uid").asText()).append(' ')
                        .append(md.path("resourceVersion").asText()).append('\n');
            }
        }
        return state.toString();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(1000);
        }
        return condition.getAsBoolean();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String b64(Path file) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }
}
