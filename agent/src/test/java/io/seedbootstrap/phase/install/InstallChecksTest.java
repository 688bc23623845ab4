package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only checks install makes before its first change, against in-memory nodes: each refuses what it must, and changes nothing. */
class InstallChecksTest {
    @TempDir
    Path dir;

    private final ClusterMaterial material = FakeRun.material().cluster();

    // --- CheckSeedApps --------------------------------------------------------------------

    @Test
    void checkSeedAppsPassesChartsAndCertificatesThatFitAndRefusesRancherWithoutARegistry() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.verifyBundle();
            assertTrue(run.run(new CheckSeedApps(FakeRun.material().pki())));
        }
        try (FakeRun run = FakeRun.of(dir, false, "apps: {rancher: {hostname: rancher.lab.example.internal}, argocd: {enabled: false}}")) {
            run.verifyBundle();
            SeedException e = assertThrows(SeedException.class, () -> run.run(new CheckSeedApps(FakeRun.material().pki())));
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().startsWith("the seed apps cannot be deployed:"), e.getMessage());
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("registr"), e.getMessage());
        }
        try (FakeRun run = FakeRun.of(dir, false, "apps: {certManager: {enabled: false}, rancher: {enabled: false}, argocd: {enabled: false}}")) {
            assertFalse(run.run(new CheckSeedApps(FakeRun.material().pki())), "no app, nothing to check");
        }
    }

    /** Issue 18: an enabled catalog entry the bundle's catalog (its signed BOM) lacks: exit 2 before any host is contacted. */
    @Test
    void checkSeedAppsRefusesACatalogEntryTheBundleDoesNotCarry() {
        try (FakeRun run = FakeRun.of(dir, false,
                "registries: {systemDefaultRegistry: \"registry.lab:5000\", mirrors: {docker.io: {endpoints: [\"https://registry.lab:5000\"]}}}",
                "apps: {certManager: {enabled: false}, rancher: {enabled: false}, catalog: {install: [{name: traefik}]}}")) {
            run.verifyBundle();
            SeedException e = assertThrows(SeedException.class, () -> run.run(new CheckSeedApps(FakeRun.material().pki())));
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains("apps.catalog.install[0]: the bundle's catalog has no entry \"traefik\"; add it to the BOM's "
                    + "catalog section and rebuild the bundle"), e.getMessage());
            assertTrue(run.allChanges().isEmpty(), "nothing touched");
        }
    }

    // --- CheckHosts -----------------------------------------------------------------------

    @Test
    void checkHostsRefusesAnotherArchitectureAndAnotherInstalledVersionListingBoth() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            run.verifyBundle();
            run.run(new CheckHosts(run.inventory().hosts()));
            run.facts("s2", FakeRun.facts(run.host("s2"), "debian", "", "", "", true, "aarch64", 8192));
            run.facts("a1", FakeRun.runningRke2(run.host("a1"), "v1.34.2+rke2r1"));
            SeedException e = assertThrows(SeedException.class, () -> run.run(new CheckHosts(run.inventory().hosts())));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("s2: ") && e.getMessage().contains("arm64"), e.getMessage());
            assertTrue(e.getMessage().contains("a1: runs rke2 version v1.34.2+rke2r1"), e.getMessage());
            assertTrue(e.getMessage().contains("upgrading is not done by install"), e.getMessage());
            assertTrue(run.allChanges().isEmpty());
        }
    }

    // --- CheckClusterCa -------------------------------------------------------------------

    @Test
    void checkClusterCaRefusesADatastoreOnAnotherCaOnly() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            CheckClusterCa check = new CheckClusterCa(run.host("s1"), material);
            run.run(check); // no datastore yet
            FakeNode s1 = run.node("s1").folder(Rke2Paths.ETCD_DATA);
            s1.file(Rke2Paths.SERVER_TLS + "/server-ca.crt",
                    new String(material.file("server-ca.crt").orElseThrow().content(), StandardCharsets.UTF_8), "0644");
            run.run(check); // ours
            s1.file(Rke2Paths.SERVER_TLS + "/server-ca.crt", "-----BEGIN CERTIFICATE-----\nanother\n", "0644");
            SeedException e = assertThrows(SeedException.class, () -> run.run(check));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().startsWith("s1: the cluster on this host was created with another CA"), e.getMessage());
        }
    }

    // --- CheckConfigDrift -----------------------------------------------------------------

    /** The files a node of {@code run}'s inventory has once it joined with that inventory. */
    private static void joined(FakeRun run, String host, ClusterMaterial material) {
        for (DesiredFiles.DesiredFile f : DesiredFiles.of(run.inventory(), run.host(host), material)) {
            run.node(host).file(f.path(), new String(f.content(), StandardCharsets.UTF_8), f.mode());
        }
        run.node(host).file("/etc/rancher/node/password", "secret\n", "0600");
        run.facts(host, FakeRun.runningRke2(run.host(host), "v1.35.7+rke2r1"));
    }

    @Test
    void checkConfigDriftRefusesAChangedCniEvenWithApplyConfigChanges() {
        try (FakeRun canal = FakeRun.of(dir, false); FakeRun cilium = FakeRun.of(dir, false, "  cni: cilium")) {
            joined(canal, "s2", material);
            canal.node("s2").allFiles().forEach((path, file) -> cilium.node("s2").file(path, file.text(), file.mode()));
            cilium.facts("s2", FakeRun.runningRke2(cilium.host("s2"), "v1.35.7+rke2r1"));
            SeedException e = assertThrows(SeedException.class,
                    () -> cilium.run(new CheckConfigDrift(cilium.inventory().hosts(), material, true)));
            assertEquals(ExitCode.UNEXPECTED_STATE, e.exitCode());
            assertTrue(e.getMessage().contains("s2: RKE2 here already belongs to a cluster and has another configuration"), e.getMessage());
            assertTrue(e.getMessage().contains("- cni: canal") && e.getMessage().contains("+ cni: cilium"), "the diff: " + e.getMessage());
            assertTrue(e.getMessage().contains("cni cannot change on a running cluster (contract A.5)"), e.getMessage());
            assertTrue(cilium.allChanges().isEmpty());
        }
    }

    @Test
    void checkConfigDriftLetsAnAllowedChangeThroughOnlyWhenAskedAndMarksTheNode() {
        try (FakeRun before = FakeRun.of(dir, false); FakeRun after = FakeRun.of(dir, false, "rke2: {snapshots: {retention: 12}}");
                FakeRun asked = FakeRun.of(dir, false, "rke2: {snapshots: {retention: 12}}")) {
            joined(before, "s2", material);
            for (FakeRun run : List.of(after, asked)) {
                before.node("s2").allFiles().forEach((path, file) -> run.node("s2").file(path, file.text(), file.mode()));
                run.facts("s2", FakeRun.runningRke2(run.host("s2"), "v1.35.7+rke2r1"));
            }
            SeedException e = assertThrows(SeedException.class,
                    () -> after.run(new CheckConfigDrift(after.inventory().hosts(), material, false)));
            assertTrue(e.getMessage().contains("- etcd-snapshot-retention: 10") && e.getMessage().contains("+ etcd-snapshot-retention: 12"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Re-run with --apply-config-changes"), e.getMessage());

            assertTrue(asked.run(new CheckConfigDrift(asked.inventory().hosts(), material, true)));
            assertTrue(asked.context().state().find("s2", CheckConfigDrift.RECONFIGURED).orElse(false));
            assertTrue(asked.context().state().find("s2", CheckConfigDrift.INITIALISED).orElse(false));
            assertFalse(asked.context().state().find("a1", CheckConfigDrift.RECONFIGURED).orElse(false), "a1 never joined");
            assertFalse(asked.context().state().find("s1", CheckConfigDrift.INITIALISED).orElse(false), "s1 never joined");
            assertTrue(asked.allChanges().isEmpty(), "read-only");
        }
    }

    /** Issue 22 (P3): the facts command's look at the node's files answers as asking the host would. */
    @Test
    void checkConfigDriftAndCheckClusterCaDecideTheSameFromTheFactsCommandsLook() {
        try (FakeRun same = FakeRun.of(dir, false); FakeRun changed = FakeRun.of(dir, false, "rke2: {snapshots: {retention: 12}}");
                FakeRun otherCa = FakeRun.of(dir, false)) {
            joined(same, "s2", material);
            joined(otherCa, "s2", material);
            // joined with the inventory before its change
            same.node("s2").allFiles().forEach((path, file) -> changed.node("s2").file(path, file.text(), file.mode()));
            changed.facts("s2", FakeRun.runningRke2(changed.host("s2"), "v1.35.7+rke2r1"));
            for (FakeRun run : List.of(same, changed, otherCa)) {
                run.node("s1").folder(Rke2Paths.ETCD_DATA).file(Rke2Paths.SERVER_TLS + "/server-ca.crt", run == otherCa
                        ? "-----BEGIN CERTIFICATE-----\nanother\n" : new String(material.file("server-ca.crt").orElseThrow().content(),
                                StandardCharsets.UTF_8), "0644");
                run.run(new io.seedbootstrap.phase.common.GatherFacts(run.inventory().hosts(),
                        host -> CheckConfigDrift.look(run.inventory(), host, material).and(CheckClusterCa.look(run.host("s1"), host))));
                assertTrue(io.seedbootstrap.phase.common.GatherFacts.lookedStates(run.context(), run.host("s2"),
                        List.of(Rke2Paths.CONFIG)).orElseThrow().containsKey(Rke2Paths.CONFIG), "looked at");
            }
            assertTrue(same.run(new CheckConfigDrift(same.inventory().hosts(), material, false)));
            assertTrue(same.context().state().find("s2", CheckConfigDrift.INITIALISED).orElse(false), "s2 joined");
            assertFalse(same.context().state().find("a1", CheckConfigDrift.INITIALISED).orElse(false), "a1 never joined");
            same.run(new CheckClusterCa(same.host("s1"), material));

            SeedException drift = assertThrows(SeedException.class,
                    () -> changed.run(new CheckConfigDrift(changed.inventory().hosts(), material, false)));
            assertTrue(drift.getMessage().contains("- etcd-snapshot-retention: 10") && drift.getMessage().contains("+ etcd-snapshot-retention: 12"),
                    drift.getMessage());
            SeedException ca = assertThrows(SeedException.class, () -> otherCa.run(new CheckClusterCa(otherCa.host("s1"), material)));
            assertTrue(ca.getMessage().startsWith("s1: the cluster on this host was created with another CA"), ca.getMessage());
            for (FakeRun run : List.of(same, changed, otherCa)) {
                assertTrue(run.allChanges().isEmpty(), "read-only");
            }
        }
    }

    @Test
    void checkConfigDriftHasNothingToCompareOnNewHosts() {
        try (FakeRun run = FakeRun.of(dir, false)) {
            assertFalse(run.run(new CheckConfigDrift(run.inventory().hosts(), material, false)));
        }
    }
}
