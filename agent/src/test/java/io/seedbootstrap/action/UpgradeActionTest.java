package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.FakeRun;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.dr.SaveSnapshot;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.phase.install.CheckConfigDrift;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.DeploySeedApps;
import io.seedbootstrap.phase.install.FetchKubeconfig;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.install.UploadArtifacts;
import io.seedbootstrap.phase.upgrade.CheckUpgrade;
import io.seedbootstrap.phase.upgrade.ReadSnapshotPassphrase;
import io.seedbootstrap.phase.upgrade.SkipSnapshot;
import io.seedbootstrap.phase.upgrade.UpgradeAgents;
import io.seedbootstrap.phase.upgrade.UpgradeServers;
import io.seedbootstrap.phase.upgrade.WhenUpgrading;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upgrade's phase list is install's with the differences UpgradeAction documents, derived, so an install phase added later runs in upgrade too. */
class UpgradeActionTest {
    /** Install phases upgrade leaves out or replaces (UpgradeAction's class comment says why). */
    private static final Set<Class<?>> NOT_IN_UPGRADE = Set.of(CheckHosts.class, InstallRke2.class, RestartReconfiguredNodes.class);
    private static final Set<Class<?>> UPGRADE_ONLY = Set.of(CheckUpgrade.class, WhenUpgrading.class, UpgradeServers.class,
            UpgradeAgents.class, SkipSnapshot.class);

    @TempDir
    Path dir;

    private InstallAction.Request install;
    private UpgradeAction.Request request;
    private HostLock lock;
    private WriteArchive.Target archive;

    @BeforeEach
    void requests() throws Exception {
        Path inventoryFile = Files.writeString(dir.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, registrationAddress: 10.0.0.100}",
                "pki: {dir: " + FakeRun.material().pki() + "}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
                "  - {name: a1, address: 10.0.0.13, role: agent}", ""));
        Inventory inventory = new InventoryLoader(Environment.of(Map.of()), dir).loadOrThrow(inventoryFile, LoadOptions.defaults()).inventory();
        HostLock lock = HostLock.forThisProcess("test.run", "laptop", "upgrade", Instant.now());
        BundleVerifier.Trust trust = BundleVerifier.Trust.pinned("SHA256:" + "A".repeat(43), "test");
        var cluster = FakeRun.material().cluster();
        this.lock = lock;
        install = new InstallAction.Request(inventory, dir.resolve("bundle"), trust, cluster, dir.resolve("kubeconfig"), SshOptions.defaults(),
                false, false, 1);
        WriteArchive.Target archive = new WriteArchive.Target(dir.resolve("before.sbdr"), () -> Secret.literal("a long enough passphrase"),
                ArchiveCipher.Params.defaults(), inventoryFile, inventory.pki().dir(), false, "test");
        this.archive = archive;
        request = new UpgradeAction.Request(inventory, dir.resolve("bundle"), trust, cluster, dir.resolve("kubeconfig"), SshOptions.defaults(),
                false, 1, runId -> archive, 1, null);
    }

    private static List<Class<?>> types(List<Phase> phases) {
        return phases.stream().<Class<?>>map(p -> p instanceof WhenUpgrading w ? w.phase().getClass() : p.getClass()).toList();
    }

    @Test
    void upgradeRunsEveryInstallPhaseButTheDocumentedOnesInInstallsOrder() {
        List<Class<?>> installs = types(InstallAction.phases(install, lock));
        List<Class<?>> upgrades = types(UpgradeAction.phases(request, lock));
        Set<Class<?>> own = Set.of(CheckUpgrade.class, ReadSnapshotPassphrase.class, SaveSnapshot.class, WriteArchive.class, UpgradeServers.class,
                UpgradeAgents.class);
        assertTrue(installs.containsAll(NOT_IN_UPGRADE));
        assertEquals(installs.stream().filter(t -> !NOT_IN_UPGRADE.contains(t)).toList(), upgrades.stream().filter(t -> !own.contains(t)).toList(),
                "install's phases, in install's order, minus exactly the documented ones");
        assertEquals(upgrades.size(), Set.copyOf(upgrades).size(), "each phase once");
    }

    @Test
    void theChecksComeFirstThenTheSnapshotThenTheArtifactsThenTheNodesThenTheApps() {
        List<Class<?>> u = types(UpgradeAction.phases(request, lock));
        assertTrue(u.indexOf(CheckUpgrade.class) < u.indexOf(CheckConfigDrift.class));
        int lock = u.indexOf(TakeLock.class);
        assertEquals(List.of(CheckConfigDrift.class, ReadSnapshotPassphrase.class, TakeLock.class, SaveSnapshot.class, WriteArchive.class,
                UploadArtifacts.class), u.subList(lock - 2, lock + 4),
                "the passphrase after the checks and before the first change, the snapshot on the operator's disk before anything is sent");
        int join = u.indexOf(JoinNodes.class);
        assertEquals(List.of(JoinNodes.class, UpgradeServers.class, UpgradeAgents.class, FetchKubeconfig.class), u.subList(join, join + 4));
        assertTrue(u.indexOf(UpgradeAgents.class) < u.indexOf(DeploySeedApps.class), "the seed apps after every node");
        List<Phase> phases = UpgradeAction.phases(request, this.lock);
        assertEquals(List.of(ReadSnapshotPassphrase.class, SaveSnapshot.class, WriteArchive.class), phases.stream()
                .filter(p -> p.getClass() == WhenUpgrading.class).<Class<?>>map(p -> ((WhenUpgrading) p).phase().getClass()).toList(),
                "the passphrase is read and the snapshot taken only while some node still needs the upgrade");
    }

    @Test
    void noSnapshotPutsTheWarningWhereTheSnapshotWouldBe() {
        UpgradeAction.Request without = new UpgradeAction.Request(request.inventory(), request.bundleDirectory(), request.trust(),
                request.cluster(), request.kubeconfig(), request.ssh(), false, 1, null, 2, Duration.ofMinutes(5));
        List<Class<?>> u = types(UpgradeAction.phases(without, lock));
        int lock = u.indexOf(TakeLock.class);
        assertEquals(List.of(TakeLock.class, SkipSnapshot.class, UploadArtifacts.class), u.subList(lock, lock + 3));
        assertTrue(!u.contains(SaveSnapshot.class) && !u.contains(WriteArchive.class) && !u.contains(ReadSnapshotPassphrase.class),
                "no archive, so no passphrase either");
    }

    @Test
    void aPhaseAddedToInstallRunsInUpgradeTooInItsPlace() {
        Phase added = new Phase() {
            @Override
            public String title() {
                return "a phase install gets later";
            }

            @Override
            public void run(RunContext context) {}
        };
        List<Phase> installs = new ArrayList<>(InstallAction.phases(install, lock));
        installs.add(installs.indexOf(installs.stream().filter(UploadArtifacts.class::isInstance).findFirst().orElseThrow()) + 1, added);
        List<Phase> upgrades = UpgradeAction.derive(installs, request, archive);
        int at = upgrades.indexOf(added);
        assertTrue(at > 0, "upgrade runs it");
        assertEquals(UploadArtifacts.class, upgrades.get(at - 1).getClass());
    }
}
