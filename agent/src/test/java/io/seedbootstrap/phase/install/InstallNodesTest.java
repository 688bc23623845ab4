package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install phases that change nodes, against in-memory nodes: what each leaves on the hosts, and that a dry run leaves nothing. */
class InstallNodesTest {
    @TempDir
    Path dir;

    private final ClusterMaterial material = FakeRun.material().cluster();

    private static List<Host> hosts(FakeRun run) {
        return run.inventory().hosts();
    }

    // --- UploadArtifacts --------------------------------------------------------------------

    @Test
    void uploadArtifactsSendsEachHostWhatItLacksOnceAndNothingAgain() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            VerifiedBundle bundle = run.verifyBundle();
            run.node("s2").file(BundleFiles.ARTIFACTS + "/install.sh", "an older script\n", "0644");
            run.run(new UploadArtifacts(hosts(run)));
            List<String> expected = BundleFiles.rke2Files(bundle.manifest(), run.inventory().cluster().cni()).stream()
                    .map(BundleFiles.Placement::target).toList();
            assertTrue(expected.contains(Rke2Paths.AGENT_IMAGES + "/rke2-images-canal.linux-amd64.tar.zst"), expected.toString());
            assertTrue(expected.stream().noneMatch(t -> t.contains("cilium")), "the other CNI's images stay home: " + expected);
            for (String host : List.of("s1", "s2", "a1")) {
                FakeNode node = run.node(host);
                assertEquals(expected.stream().sorted().toList(), node.uploads().stream().sorted().toList(), host);
                for (BundleFiles.Placement p : BundleFiles.rke2Files(bundle.manifest(), run.inventory().cluster().cni())) {
                    assertEquals(p.file().sha256(), NodeFiles.sha256(node.fileAt(p.target()).orElseThrow().content()), host + " " + p.target());
                    assertEquals("0644", node.fileAt(p.target()).orElseThrow().mode());
                    // recorded as placed and verified, so the next run's check need not hash it again (P3)
                    assertEquals(p.file().sha256() + "\n", node.fileAt(NodeFiles.VERIFIED_DIR + "/" + p.target().replace('/', '_'))
                            .orElseThrow(() -> new AssertionError(host + ": no record of " + p.target())).text(), host);
                }
            }
            int changes = run.allChanges().size();
            assertEquals(3 * expected.size(), changes, "one change per file and host");

            run.run(new UploadArtifacts(hosts(run)));
            assertEquals(changes, run.allChanges().size(), "a second run sends nothing");
            assertEquals(expected.size(), run.node("s1").uploads().size());
        }
    }

    @Test
    void uploadArtifactsInADryRunSendsNothingAndPlansEveryFile() {
        try (FakeRun run = FakeRun.of(dir, true)) {
            VerifiedBundle bundle = run.verifyBundle();
            run.run(new UploadArtifacts(hosts(run)));
            int files = BundleFiles.rke2Files(bundle.manifest(), run.inventory().cluster().cni()).size();
            assertEquals(List.of(), run.node("s1").uploads());
            assertTrue(run.node("s1").fileAt(NodeFiles.VERIFIED_DIR + "/" + (BundleFiles.ARTIFACTS + "/install.sh").replace('/', '_')).isEmpty(),
                    "no record in a dry run");
            assertEquals(files, run.changes("a1").size());
            assertTrue(run.allChanges().stream().allMatch(c -> c.status() == PlannedChange.Status.PLANNED));
            assertEquals(BundleFiles.rke2Files(bundle.manifest(), run.inventory().cluster().cni()).stream()
                    .map(BundleFiles.Placement::describe).toList(), run.changes("a1"));
        }
    }

    // --- InstallRke2 -----------------------------------------------------------------------

    @Test
    void installRke2RunsInstallShUnderThePrefixTheFactsGiveAndLeavesHostsOnTheBundlesVersion() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.verifyBundle();
            run.run(new UploadArtifacts(hosts(run)));
            run.facts("s2", FakeRun.facts(run.host("s2"), "debian", "", "", "", false, "x86_64", 8192));
            run.facts("a1", FakeRun.runningRke2(run.host("a1"), "v1.35.7+rke2r1"));
            assertTrue(run.run(new InstallRke2(hosts(run))));
            assertEquals("server under /usr/local", run.node("s1").installed());
            assertEquals("server under /opt/rke2", run.node("s2").installed(), "/usr/local read-only or a mount point: /opt/rke2 (A.2)");
            assertNull(run.node("a1").installed(), "a host already on the bundle's version is left alone");
            assertTrue(run.changes("a1").stream().noneMatch(c -> c.startsWith("install RKE2")), run.changes("a1").toString());
            assertEquals("install RKE2 v1.35.7+rke2r1 (server) under /usr/local with the release's install.sh",
                    run.changes("s1").get(run.changes("s1").size() - 1));
        }
    }

    @Test
    void installRke2HasNothingToDoWhereEveryHostRunsTheBundlesVersion() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.verifyBundle();
            for (Host h : hosts(run)) {
                run.facts(h.name(), FakeRun.runningRke2(h, "v1.35.7+rke2r1"));
            }
            assertFalse(run.run(new InstallRke2(hosts(run))));
        }
    }

    // --- ApplyCisPrerequisites ------------------------------------------------------------

    @Test
    void cisPrerequisitesCreateTheEtcdUserAsTheOsFamilyDoesAndInstallTheSysctls() {
        String hosts = String.join("\n",
                "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
                "  - {name: r1, address: 10.0.0.14, role: agent}");
        try (FakeRun run = FakeRun.withHosts(dir, false, hosts, "rke2: {profile: cis}")) {
            run.facts("r1", FakeRun.facts(run.host("r1"), "rocky", "rhel centos fedora", "", "", true, "x86_64", 8192));
            for (String h : List.of("s1", "r1")) {
                run.node(h).file("/usr/local/" + Rke2Paths.CIS_SYSCTL_SOURCE, "vm.panic_on_oom=0\nkernel.panic=10\n", "0644");
            }
            run.node("r1").sysctlFailure("Unit systemd-sysctl.service is masked.");
            assertTrue(run.run(new ApplyCisPrerequisites(hosts(run))));
            assertEquals("/usr/sbin/nologin", run.node("s1").etcdUserShell(), "Debian ships nologin in /usr/sbin");
            assertEquals("/sbin/nologin", run.node("r1").etcdUserShell(), "RHEL-likes: RKE2's documented /sbin/nologin");
            for (String h : List.of("s1", "r1")) {
                FakeNode.File sysctls = run.node(h).fileAt(Rke2Paths.CIS_SYSCTL_TARGET).orElseThrow();
                assertEquals("vm.panic_on_oom=0\nkernel.panic=10\n", sysctls.text());
                assertEquals("0644", sysctls.mode());
            }
            assertTrue(run.stderr().contains("r1: warning: systemd-sysctl could not be restarted (Unit systemd-sysctl.service is masked.)"), run.stderr());
            int changes = run.allChanges().size();
            assertEquals(4, changes);
            run.run(new ApplyCisPrerequisites(hosts(run)));
            assertEquals(changes, run.allChanges().size(), "in place: nothing to do");
        }
    }

    @Test
    void cisPrerequisitesAreOnlyForTheCisProfileAndADryRunOnlyPlansThem() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            assertFalse(run.run(new ApplyCisPrerequisites(hosts(run))));
        }
        try (FakeRun run = FakeRun.of(dir, true, "rke2: {profile: cis}")) {
            assertTrue(run.run(new ApplyCisPrerequisites(hosts(run))));
            assertNull(run.node("s1").etcdUserShell());
            assertEquals(List.of("create the etcd user and group (CIS, A.9)",
                    "copy /usr/local/" + Rke2Paths.CIS_SYSCTL_SOURCE + " to " + Rke2Paths.CIS_SYSCTL_TARGET + " and apply it (A.9)"),
                    run.changes("s1"));
        }
    }

    // --- WriteClusterCa -------------------------------------------------------------------

    @Test
    void writeClusterCaPutsThePkisCaSetOnANewBootstrapServerOnce() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.run(new WriteClusterCa(run.host("s1"), material));
            for (ClusterMaterial.TlsFile f : material.serverTls()) {
                FakeNode.File file = run.node("s1").fileAt(Rke2Paths.SERVER_TLS + "/" + f.relativePath()).orElseThrow();
                assertEquals(NodeFiles.sha256(f.content()), NodeFiles.sha256(file.content()), f.relativePath());
                assertEquals(f.privateKey() ? "0600" : "0644", file.mode(), f.relativePath());
            }
            assertTrue(material.serverTls().stream().anyMatch(f -> f.relativePath().startsWith("etcd/")));
            assertTrue(run.node("s2").allFiles().isEmpty(), "joining servers get the CAs from the datastore");
            assertEquals(1, run.changes("s1").size());
            run.run(new WriteClusterCa(run.host("s1"), material));
            assertEquals(1, run.changes("s1").size(), "the same set is not written again");
        }
    }

    @Test
    void writeClusterCaLeavesAnInitialisedDatastoreAloneAndRefusesOneOnAnotherCa() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.node("s1").folder(Rke2Paths.ETCD_DATA);
            run.run(new WriteClusterCa(run.host("s1"), material));
            assertEquals(List.of(), run.changes("s1"));
            run.node("s1").file(Rke2Paths.SERVER_TLS + "/server-ca.crt", "another CA\n", "0644");
            SeedException e = assertThrows(SeedException.class, () -> run.run(new WriteClusterCa(run.host("s1"), material)));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
        }
    }

    // --- WriteNodeConfig ------------------------------------------------------------------

    @Test
    void writeNodeConfigWritesEachFileOnlyWhereItDiffersThroughTheChangeDoor() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            // s2 already has exactly what it should; s1's config.yaml has the right content but mode 0644
            for (DesiredFiles.DesiredFile f : DesiredFiles.of(run.inventory(), run.host("s2"), material)) {
                run.node("s2").file(f.path(), new String(f.content(), java.nio.charset.StandardCharsets.UTF_8), f.mode());
            }
            run.node("s1").file(Rke2Paths.CONFIG, NodeConfig.yaml(run.inventory(), run.host("s1")), "0644");
            run.run(new WriteNodeConfig(hosts(run), material));

            FakeNode.File config = run.node("s1").fileAt(Rke2Paths.CONFIG).orElseThrow();
            assertEquals("0600", config.mode());
            assertEquals(NodeConfig.yaml(run.inventory(), run.host("s1")), config.text());
            assertEquals(material.serverToken().reveal() + "\n", run.node("s1").fileAt(Rke2Paths.TOKEN_FILE).orElseThrow().text());
            assertEquals(material.agentToken().reveal() + "\n", run.node("a1").fileAt(Rke2Paths.TOKEN_FILE).orElseThrow().text(),
                    "agents get the agent token");
            assertTrue(run.node("a1").fileAt(Rke2Paths.AGENT_TOKEN_FILE).isEmpty());
            assertTrue(run.changes("s1").contains("write " + Rke2Paths.CONFIG + " (0600)"), run.changes("s1").toString());
            assertTrue(run.changes("s1").contains("write " + Rke2Paths.TOKEN_FILE + " (0600, secret)"), run.changes("s1").toString());
            assertEquals(List.of(), run.changes("s2"), "nothing differs on s2");
            assertTrue(run.allChanges().stream().allMatch(c -> c.status() == PlannedChange.Status.DONE));
        }
    }

    @Test
    void writeNodeConfigInADryRunWritesNothing() {
        try (FakeRun run = FakeRun.of(dir, true)) {
            run.run(new WriteNodeConfig(hosts(run), material));
            assertTrue(run.node("s1").allFiles().isEmpty());
            assertTrue(run.changes("s1").contains("write " + Rke2Paths.CONFIG + " (0600)"));
            assertTrue(run.allChanges().stream().allMatch(c -> c.status() == PlannedChange.Status.PLANNED));
        }
    }

    @Test
    void writeNodeConfigRefusesAClusterNodeWhoseConfigChangedUnasked() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.context().state().put("a1", CheckConfigDrift.INITIALISED, true);
            run.node("a1").file(Rke2Paths.CONFIG, "server: https://10.0.0.99:9345\n", "0600");
            SeedException e = assertThrows(SeedException.class, () -> run.run(new WriteNodeConfig(hosts(run), material)));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertEquals("server: https://10.0.0.99:9345\n", run.node("a1").fileAt(Rke2Paths.CONFIG).orElseThrow().text());
        }
    }

    // --- StartBootstrapServer -------------------------------------------------------------

    private static void configure(FakeRun run, ClusterMaterial material) {
        run.run(new WriteNodeConfig(hosts(run), material));
    }

    @Test
    void startBootstrapServerStartsItWaitsForItAndChecksTheTokenItRunsWith() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            configure(run, material);
            assertTrue(run.run(new StartBootstrapServer(run.host("s1"))));
            assertTrue(run.node("s1").active());
            assertTrue(run.node("s1").kubectl().ready("s1"));
            assertEquals(List.of("enable and start rke2-server"), run.changes("s1").subList(run.changes("s1").size() - 1, run.changes("s1").size()));
            assertFalse(run.node("s2").active());
        }
    }

    @Test
    void startBootstrapServerSkipsAnActiveReadyServer() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            configure(run, material);
            run.node("s1").running();
            int events = run.cluster().events().size();
            assertFalse(run.run(new StartBootstrapServer(run.host("s1"))));
            assertEquals(events, run.cluster().events().size(), "not started again");
        }
    }

    @Test
    void startBootstrapServerRefusesAClusterStartedWithAnotherToken() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            configure(run, material);
            run.node("s1").file(Rke2Paths.SERVER_TOKEN, "K10other::server:secret\n", "0600");
            SeedException e = assertThrows(SeedException.class, () -> run.run(new StartBootstrapServer(run.host("s1"))));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("another server token"), e.getMessage());
        }
    }

    @Test
    void aServerThatDoesNotStartFailsWithItsJournal() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            configure(run, material);
            run.node("s1").failingStart("Job for rke2-server.service failed because the control process exited with error code.");
            SeedException e = assertThrows(SeedException.class, () -> run.run(new StartBootstrapServer(run.host("s1"))));
            assertEquals(ExitCode.FAILED, e.exitCode());
            assertTrue(e.getMessage().contains("rke2-server did not start (Job for rke2-server.service failed"), e.getMessage());
            assertTrue(e.getMessage().contains("last line of rke2-server"), "the journal tail: " + e.getMessage());
        }
    }

    @Test
    void startBootstrapServerInADryRunStartsNothing() {
        try (FakeRun run = FakeRun.of(dir, true)) {
            assertTrue(run.run(new StartBootstrapServer(run.host("s1"))));
            assertFalse(run.node("s1").active());
            assertEquals(List.of("enable and start rke2-server"), run.changes("s1"));
        }
    }

    // --- JoinNodes ------------------------------------------------------------------------

    private static final String HA = String.join("\n",
            "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
            "  - {name: s2, address: 10.0.0.12, role: server}",
            "  - {name: s3, address: 10.0.0.13, role: server}",
            "  - {name: a1, address: 10.0.0.21, role: agent}",
            "  - {name: a2, address: 10.0.0.22, role: agent}");

    @Test
    void joinNodesJoinsTheServersOneAtATimeThenTheAgents() {
        try (FakeRun run = FakeRun.withHosts(dir, false, HA)) {
            run.node("s1").running();
            // the cluster refuses a server while another is still a learner, as etcd does: each must be Ready first
            run.run(new JoinNodes(run.host("s1"), run.inventory().servers(), run.inventory().agents(), Duration.ZERO));
            List<String> starts = run.cluster().events().stream().filter(e -> e.startsWith("start ")).toList();
            assertEquals(List.of("start s1", "start s2", "start s3"), starts.subList(0, 3));
            assertEquals(List.of("start a1", "start a2"), starts.subList(3, 5).stream().sorted().toList());
            for (String h : List.of("s2", "s3", "a1", "a2")) {
                assertTrue(run.node("s1").kubectl().ready(h), h);
                assertEquals(List.of("enable and start " + run.node(h).rke2().unit()), run.changes(h));
            }
        }
    }

    @Test
    void joinNodesLeavesJoinedNodesAloneAndFailsOnANodeThatKeepsRestarting() {
        try (FakeRun run = FakeRun.withHosts(dir, false, HA)) {
            run.node("s1").running();
            run.node("s2").running();
            run.node("a2").failingStart("Job for rke2-agent.service failed").restarts(7);
            SeedException e = assertThrows(SeedException.class,
                    () -> run.run(new JoinNodes(run.host("s1"), run.inventory().servers(), run.inventory().agents(), Duration.ZERO)));
            assertEquals(List.of(), run.changes("s2"), "already joined and Ready");
            assertTrue(run.node("s3").active());
            assertTrue(e.getMessage().contains("a2: rke2-agent failed 7 times in a row"), e.getMessage());
        }
    }

    // --- RestartReconfiguredNodes ---------------------------------------------------------

    @Test
    void restartReconfiguredNodesRestartsOnlyThoseServersFirstEachReadyBeforeTheNext() {
        try (FakeRun run = FakeRun.withHosts(dir, false, HA)) {
            for (String h : List.of("s1", "s2", "s3", "a1", "a2")) {
                run.node(h).running();
            }
            for (String h : List.of("a1", "s3", "s2")) {
                run.context().state().put(h, CheckConfigDrift.RECONFIGURED, true);
            }
            RestartReconfiguredNodes phase = new RestartReconfiguredNodes(run.host("s1"), run.inventory().servers(), run.inventory().agents());
            assertTrue(run.run(phase));
            assertEquals(List.of("restart s2", "restart s3", "restart a1"),
                    run.cluster().events().stream().filter(e -> e.startsWith("restart ")).toList());
            assertEquals(List.of(), run.changes("s1"));
            assertEquals(List.of("restart rke2-agent to apply the new configuration"), run.changes("a1"));
        }
        try (FakeRun run = FakeRun.withHosts(dir, false, HA)) {
            assertFalse(run.run(new RestartReconfiguredNodes(run.host("s1"), run.inventory().servers(), run.inventory().agents())));
        }
    }
}
