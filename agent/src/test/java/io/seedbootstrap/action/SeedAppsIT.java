package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.images.builder.Transferable;

/**
 * The seed apps deployed by {@code install} on test machines with the RKE2 contract double
 * (test-vms/rke2-double: a test double, not RKE2; its helm-controller only reports a job outcome,
 * nothing runs): a server and an agent, cert-manager, MetalLB, Rancher and ArgoCD from the
 * bundle's charts. Checked on the hosts as contract D–H say, then re-run to show nothing is
 * rewritten, then refused with a host name no certificate covers. The second test reuses that
 * cluster: a chart whose job fails stops the install, and a re-run after the fix converges.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedAppsIT {
    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(2).build();

    private static InstallFixture fixture;

    static final List<String> FILES = List.of("seed-cert-manager", "seed-cert-manager-issuer", "seed-metallb", "seed-metallb-config",
            "seed-rancher", "seed-argocd", "seed-argocd-applicationsets");
    static final String MANIFESTS = "/var/lib/rancher/rke2/server/manifests/";
    static final String KUBECTL = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml ";

    @BeforeAll
    static void bundleAndPki() throws Exception {
        if (machines.machines().isEmpty()) {
            return;
        }
        fixture = InstallFixture.create();
    }

    private Path inventory(String rancherHost) throws Exception {
        return inventory(rancherHost, "");
    }

    /** @param rancherExtra more keys of apps.rancher, e.g. {@code ", replicas: 2"} */
    private Path inventory(String rancherHost, String rancherExtra) throws Exception {
        TestMachine server = machines.get(0);
        TestMachine agent = machines.get(1);
        List<String> lines = new ArrayList<>(List.of(
                "cluster: {name: apps-it, rke2Version: v1.35.7+rke2r1, cni: canal}",
                "ssh: {user: admin, identityFile: " + machines.privateKey() + ", knownHosts: " + machines.knownHosts() + "}",
                "bundle: {path: " + fixture.bundle + ", signingKeyFingerprint: \"" + fixture.signingKey.fingerprint() + "\"}",
                "pki: {dir: " + fixture.pki() + ", rsaKeyBits: 2048}",
                "registries:",
                "  systemDefaultRegistry: registry.it.example.internal:5000",
                "  mirrors: {docker.io: {endpoints: [\"https://registry.it.example.internal:5000\"]}}",
                "apps:",
                "  rancher: {hostname: " + rancherHost + rancherExtra + "}",
                "  argocd:",
                "    repo: {url: \"https://git.it.example.internal/platform/fleet.git\"}",
                "  components: [{name: monitoring}, {name: external-dns}]",
                "  seedLabels: {app/monitoring: install}",
                "metallb: {enabled: true, pools: [{name: ingress, addresses: [\"192.0.2.200-192.0.2.210\"]}]}",
                "hosts:",
                "  - {name: " + server.name() + ", address: " + server.ip() + ", role: server}",
                "  - {name: " + agent.name() + ", address: " + agent.ip() + ", role: agent}"));
        Path file = fixture.work.resolve("apps-it.yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    @Order(1)
    void deploysTheSeedAppsOnTheBootstrapServerAndConverges() throws Exception {
        TestMachine server = machines.get(0);
        TestMachine agent = machines.get(1);
        Path inventory = inventory("rancher.it.example.internal");
        CommandRunner.Result result = fixture.run("install", inventory.toString());
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
        assertEquals(b64(fixture.pki().resolve("site/cacerts.pem")),
                server.sh(KUBECTL + "-n cattle-system get secret tls-ca -o jsonpath='{.data.cacerts\\.pem}'").stdout().strip());
        assertEquals(b64(fixture.pki().resolve("site/certs/rancher.it.example.internal/tls.crt")),
                server.sh(KUBECTL + "-n cattle-system get secret tls-rancher-ingress -o jsonpath='{.data.tls\\.crt}'").stdout().strip());
        // G: the ClusterIssuer's key pair is the site issuing CA
        assertEquals(b64(fixture.pki().resolve("site/issuing-ca.crt")),
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
            for (Path log : Files.list(fixture.work.resolve("state/seed-bootstrap/logs")).toList()) {
                assertFalse(Files.readString(log).contains(secret), log.toString());
            }
            assertFalse(server.sh("grep -rl " + secret + " /var/lib/rancher/rke2/server/manifests /etc/rancher").ok());
        }

        // A.3: the apps' image archive on every node
        for (TestMachine vm : List.of(server, agent)) {
            assertTrue(vm.sh("ls /var/lib/rancher/rke2/agent/images").stdout().contains("docker.io_rancher_rancher_v2.14.3"), vm.name());
        }

        // converged: nothing rewritten (mtimes kept), no Secret touched, nothing changed
        String mtimes = server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout();
        String secretVersion = server.sh(KUBECTL + "-n kube-system get secret seed-argocd-values -o jsonpath='{.metadata.resourceVersion}'").stdout();
        Thread.sleep(1100);
        CommandRunner.Result again = fixture.run("install", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out() + again.err());
        assertEquals(mtimes, server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout());
        assertEquals(secretVersion, server.sh(KUBECTL + "-n kube-system get secret seed-argocd-values -o jsonpath='{.metadata.resourceVersion}'").stdout());

        // a Rancher host name no site certificate covers: refused before any host is contacted (exit 2)
        CommandRunner.Result refused = fixture.run("install", inventory("rancher.other.example.internal").toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("apps.rancher.hostname rancher.other.example.internal: no certificate covers it"), refused.err());
        assertTrue(refused.err().contains("nothing was changed on any host"), refused.err());
        assertEquals(mtimes, server.sh("stat -c '%n %Y' " + MANIFESTS + "seed-*.yaml").stdout());
    }

    /** Double-only hook (test-vms/rke2-double README): while a HelmChart is named here, its next job fails with the text. */
    static final String HELM_FAILURES = "/etc/rke2-double/helm-install-failures";

    @Test
    @Order(2)
    void aFailedChartJobStopsTheInstallWithItsLogAndARerunAfterTheFixConverges() throws Exception {
        TestMachine server = machines.get(0);
        Path converged = inventory("rancher.it.example.internal");
        Path rancherPassword = converged.getParent().resolve("apps-it-rancher-bootstrap-password");
        if (!Files.exists(rancherPassword)) { // run alone: converge first
            CommandRunner.Result first = fixture.run("install", converged.toString());
            assertEquals(0, first.exitCode(), first.err());
        }
        String password = Files.readString(rancherPassword).strip();
        // the job's log as a failing helm-install could end; its last line echoes a value it was given, as chart errors can
        String log = "Error: INSTALLATION FAILED: failed pre-install: image registry.it.example.internal:5000/rancher/rancher:v2.14.3 "
                + "not found\nvalues given: bootstrapPassword=" + password;
        assertTrue(server.sh("mkdir -p /etc/rke2-double").ok());
        server.container().copyFileToContainer(Transferable.of("rancher: \"" + log.replace("\n", "\\n") + "\"\n"), HELM_FAILURES);
        Path changed = inventory("rancher.it.example.internal", ", replicas: 2"); // a new HelmChart, so the helm-controller runs a new job
        List<Path> logsBefore = Files.list(fixture.work.resolve("state/seed-bootstrap/logs")).toList();

        CommandRunner.Result failed = fixture.run("install", changed.toString());
        assertEquals(1, failed.exitCode(), "README: exit 1 when a seed app's job fails\n" + failed.err());
        String message = failed.err();
        System.err.println("--- the failed install's stderr ---\n" + message);
        assertTrue(message.contains("Rancher (HelmChart kube-system/rancher): job kube-system/helm-install-rancher failed: "
                + "Error: INSTALLATION FAILED"), message);
        assertTrue(message.contains("Last lines of its log (`kubectl -n kube-system logs job/helm-install-rancher`):"), message);
        assertTrue(message.contains("image registry.it.example.internal:5000/rancher/rancher:v2.14.3 not found"), message);
        assertTrue(message.contains("values given: bootstrapPassword=<redacted>"), "the log tail, password masked:\n" + message);
        assertTrue(message.contains("then run install again: it runs a failed job of an unchanged chart again"), message);
        // ArgoCD comes after Rancher: not reached
        assertFalse(message.contains("ArgoCD: installed"), message);
        for (Path file : Files.list(fixture.work.resolve("state/seed-bootstrap/logs")).toList()) {
            String text = Files.readString(file);
            assertFalse(text.contains(password), file + " holds the password");
            if (!logsBefore.contains(file)) {
                assertTrue(message.contains("The full log of this run: " + file), message);
            }
        }
        assertFalse(failed.out().contains(password) || failed.err().contains(password));

        // the cause is fixed (the image pushed): the re-run runs the unchanged chart's job again and converges
        server.sh("rm -f " + HELM_FAILURES);
        CommandRunner.Result fixed = fixture.run("install", changed.toString());
        assertEquals(0, fixed.exitCode(), fixed.err());
        // the change is in the run's log (changes are logged, the summary counts them)
        List<Path> logsNow = Files.list(fixture.work.resolve("state/seed-bootstrap/logs")).toList();
        assertTrue(logsNow.stream().anyMatch(f -> read(f).contains("delete failed job kube-system/helm-install-rancher so the helm-controller")),
                fixed.err());
        assertEquals("1", server.sh(KUBECTL + "-n kube-system get job helm-install-rancher -o jsonpath='{.status.succeeded}'").stdout().strip());
        CommandRunner.Result again = fixture.run("install", changed.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out() + again.err());
    }

    @Test
    @Order(3)
    void aChartFileDeletedByHandIsPutBackWithoutWaitingForAJobThatNeverComes() throws Exception {
        TestMachine server = machines.get(0);
        Path converged = inventory("rancher.it.example.internal", ", replicas: 2");
        CommandRunner.Result first = fixture.run("install", converged.toString());
        assertEquals(0, first.exitCode(), first.err());
        String before = server.sh("sha256sum " + MANIFESTS + "seed-cert-manager.yaml").stdout();
        assertTrue(server.sh("rm " + MANIFESTS + "seed-cert-manager.yaml").ok());

        // the HelmChart in the cluster is unchanged, so the helm-controller starts no new job: the
        // completed one counts (a wait for a new one would run into the 30 s deadline)
        long started = System.nanoTime();
        CommandRunner.Result rerun = fixture.run("install", converged.toString(), "--wait-timeout", "30");
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(java.util.regex.Pattern.compile("(?<!\\d)1 change\\(s\\) made").matcher(rerun.out()).find(), rerun.out() + rerun.err());
        assertEquals(before, server.sh("sha256sum " + MANIFESTS + "seed-cert-manager.yaml").stdout(), "the same file is back");
        assertTrue(System.nanoTime() - started < java.util.concurrent.TimeUnit.SECONDS.toNanos(30), "did not wait for a new job");
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
