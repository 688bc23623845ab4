package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.CertManagerApp;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install phases after the nodes run: the kubeconfig, the apps' images, the seed apps, the status; against in-memory nodes. */
class InstallFinishTest {
    @TempDir
    Path dir;

    private final ClusterMaterial material = FakeRun.material().cluster();

    /** Configured and running, as the phases before leave a cluster. */
    private FakeRun started(boolean dryRun, String... settings) {
        FakeRun run = FakeRun.of(dir, dryRun, settings);
        if (!dryRun) {
            run.run(new WriteNodeConfig(run.inventory().hosts(), material));
            run.run(new StartBootstrapServer(run.host("s1")));
            run.run(new JoinNodes(run.host("s1"), run.inventory().servers(), run.inventory().agents(), java.time.Duration.ZERO));
        }
        return run;
    }

    // --- FetchKubeconfig ------------------------------------------------------------------

    @Test
    void fetchKubeconfigWritesA0600KubeconfigForTheRegistrationAddressOnce() throws Exception {
        Path target = dir.resolve("out/seed-lab.kubeconfig");
        try (FakeRun run = started(false)) {
            run.run(new FetchKubeconfig(run.host("s1"), target));
            String text = Files.readString(target);
            assertTrue(text.contains("server: https://10.0.0.100:6443"), text);
            assertTrue(text.contains("current-context: seed-lab") || text.contains("name: seed-lab"), text);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            assertEquals(1, run.changes(RunContext.OPERATOR).size());
            run.run(new FetchKubeconfig(run.host("s1"), target));
            assertEquals(1, run.changes(RunContext.OPERATOR).size(), "up to date: not written again");
        }
        Path dry = dir.resolve("dry.kubeconfig");
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.run(new FetchKubeconfig(run.host("s1"), dry));
            assertFalse(Files.exists(dry));
            assertEquals(List.of("write " + dry + " (0600; context seed-lab, server https://10.0.0.100:6443)"), run.changes(RunContext.OPERATOR));
        }
    }

    // --- UploadAppImages ------------------------------------------------------------------

    @Test
    void uploadAppImagesPutsTheEnabledAppsArchivesOnEveryNode() {
        try (FakeRun run = FakeRun.of(dir, false, "apps: {rancher: {hostname: rancher.lab.example.internal}, argocd: {enabled: false}}")) {
            VerifiedBundle bundle = run.verifyBundle();
            var archive = bundle.manifest().filesOfKind(FileKind.IMAGE_ARCHIVE).stream().filter(f -> f.component().equals("rancher"))
                    .findFirst().orElseThrow();
            String target = Rke2Paths.AGENT_IMAGES + "/" + BundleFiles.name(archive);
            assertTrue(run.run(new UploadAppImages(run.inventory().hosts())));
            for (String h : List.of("s1", "s2", "a1")) {
                assertEquals(List.of(target), run.node(h).uploads(), "any node may run Rancher's pods");
            }
        }
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.verifyBundle();
            assertFalse(run.run(new UploadAppImages(run.inventory().hosts())), "Rancher off: no image archive to send");
        }
    }

    // --- DeploySeedApps -------------------------------------------------------------------

    @Test
    void deploySeedAppsAppliesSecretsOnStdinWritesTheChartsAndWaitsForTheirJobs() {
        try (FakeRun run = started(false)) {
            run.verifyBundle();
            DeploySeedApps deploy = new DeploySeedApps(run.host("s1"), FakeRun.material().pki(), dir);
            assertTrue(run.run(deploy));
            String issuer = run.inventory().apps().certManager().issuer().name();
            String secret = CertManagerApp.keyPairSecret(run.inventory().apps().certManager().issuer());
            JsonNode keyPair = run.cluster().get("secret", CertManagerApp.NAMESPACE, secret).orElseThrow();
            String key = new String(Base64.getDecoder().decode(keyPair.path("data").path("tls.key").asText()), StandardCharsets.UTF_8);
            assertTrue(key.contains("PRIVATE KEY"), "the site issuing CA's key, in the Secret");
            for (FakeNode node : List.of(run.node("s1"), run.node("s2"), run.node("a1"))) {
                node.allFiles().forEach((path, file) -> assertFalse(file.text().contains(key.strip()), "the key is in " + path));
            }
            FakeNode.File chart = run.node("s1").fileAt(Rke2Paths.MANIFESTS + "/seed-cert-manager.yaml").orElseThrow();
            assertEquals("0600", chart.mode());
            assertTrue(run.node("s1").fileAt(Rke2Paths.MANIFESTS + "/seed-cert-manager-issuer.yaml").orElseThrow().text().contains(issuer));
            List<String> events = run.cluster().events().stream().filter(e -> !e.startsWith("start ")).toList();
            assertEquals(List.of("kubectl apply namespace cert-manager", "kubectl create secret cert-manager/" + secret,
                    "deploy seed-cert-manager.yaml", "helm-install cert-manager v1", "deploy seed-cert-manager-issuer.yaml"), events,
                    "namespace and secret first, then the chart, its job, then what needs its CRDs");
            assertTrue(run.changes("s1").stream().anyMatch(c -> c.startsWith("create Secret cert-manager/" + secret + " (")
                    && c.endsWith(") with kubectl, on stdin")), run.changes("s1").toString());

            int changes = run.allChanges().size();
            run.run(deploy);
            assertEquals(changes, run.allChanges().size(), "a converged seed gets no write at all");
            assertEquals(events.size(), run.cluster().events().stream().filter(e -> !e.startsWith("start ")).count());
        }
    }

    @Test
    void deploySeedAppsInADryRunBeforeTheFirstStartPlansEverythingAndChangesNothing() {
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.verifyBundle();
            run.run(new DeploySeedApps(run.host("s1"), FakeRun.material().pki(), dir));
            assertTrue(run.node("s1").allFiles().isEmpty());
            assertTrue(run.cluster().events().isEmpty());
            List<String> planned = run.changes("s1");
            assertTrue(planned.contains("create namespace cert-manager"), planned.toString());
            assertTrue(planned.stream().anyMatch(c -> c.startsWith("write " + Rke2Paths.MANIFESTS + "/seed-cert-manager.yaml (0600")), planned.toString());
            assertTrue(run.allChanges().stream().allMatch(c -> c.status() == PlannedChange.Status.PLANNED));
        }
    }

    // --- CollectStatus --------------------------------------------------------------------

    @Test
    void collectStatusPublishesTheNodesAsTheClusterSeesThem() {
        try (FakeRun run = started(false)) {
            run.run(new CollectStatus(run.host("s1")));
            List<NodeStatus> nodes = run.context().state().get(null, CollectStatus.NODES).list();
            assertEquals(List.of("s1", "s2", "a1"), nodes.stream().map(NodeStatus::name).toList());
            assertTrue(nodes.stream().allMatch(NodeStatus::ready));
        }
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.run(new CollectStatus(run.host("s1")));
            assertEquals(List.of(), run.context().state().get(null, CollectStatus.NODES).list(), "a dry run of a new cluster has none");
        }
    }

    /** A converged re-run reads the node list once for the bootstrap check, the joins and the status; a change makes it read again. */
    @Test
    void theNodeListIsReadAgainOnlyAfterTheRunChangedSomething() {
        try (FakeRun run = started(false)) {
            run.run(new CollectStatus(run.host("s1")));
            run.cluster().unhealthy("a1"); // a1 turns NotReady, with no change of this run
            run.run(new CollectStatus(run.host("s1")));
            assertTrue(readyOf(run, "a1"), "nothing changed since the last read: it stands");
            run.context().change("a1", "a change", () -> { });
            run.run(new CollectStatus(run.host("s1")));
            assertFalse(readyOf(run, "a1"), "read again after a change");
        }
    }

    private static boolean readyOf(FakeRun run, String node) {
        return run.context().state().get(null, CollectStatus.NODES).list().stream().filter(n -> n.name().equals(node))
                .findFirst().orElseThrow().ready();
    }
}
