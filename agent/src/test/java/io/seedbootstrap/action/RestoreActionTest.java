package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.Phases;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.phase.dr.CheckArchiveFits;
import io.seedbootstrap.phase.dr.CheckRestoreTarget;
import io.seedbootstrap.phase.dr.ClearStaleDatastore;
import io.seedbootstrap.phase.dr.DeleteNodePasswords;
import io.seedbootstrap.phase.dr.RemoveStaleNodes;
import io.seedbootstrap.phase.dr.RestoreManifests;
import io.seedbootstrap.phase.dr.RestorePkiDirectory;
import io.seedbootstrap.phase.dr.RestoreSnapshot;
import io.seedbootstrap.phase.install.CheckClusterCa;
import io.seedbootstrap.phase.install.CheckConfigDrift;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.CheckSeedApps;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.DeploySeedApps;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.install.StartBootstrapServer;
import io.seedbootstrap.phase.install.WriteClusterCa;
import io.seedbootstrap.phase.install.WriteNodeConfig;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore's phase list is install's with the differences RestoreAction documents, derived, so an
 * install phase restore does not name still runs in restore.
 */
class RestoreActionTest {
    /** Install phases restore leaves out or replaces (RestoreAction's class comment says why). */
    private static final Set<Class<?>> NOT_IN_RESTORE = Set.of(CheckSeedApps.class, CheckClusterCa.class, WriteClusterCa.class,
            RestartReconfiguredNodes.class, DeploySeedApps.class);
    /** Restore's own phases. */
    private static final Set<Class<?>> RESTORE_ONLY = Set.of(CheckArchiveFits.class, RestorePkiDirectory.class, CheckRestoreTarget.class,
            RestoreSnapshot.class, RestoreManifests.class, DeleteNodePasswords.class, ClearStaleDatastore.class, RemoveStaleNodes.class);

    @TempDir
    Path dir;

    private RestoreAction.Request request;
    private InstallAction.Request install;

    @BeforeEach
    void requests() throws Exception {
        Path inventoryFile = Files.writeString(dir.resolve("inventory.yaml"), String.join("\n",
                "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1, registrationAddress: 10.0.0.100}",
                "pki: {dir: ./pki}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
                "  - {name: s2, address: 10.0.0.12, role: server}",
                "  - {name: a1, address: 10.0.0.13, role: agent}", ""));
        Inventory inventory = new InventoryLoader(Environment.of(Map.of()), dir).loadOrThrow(inventoryFile, LoadOptions.defaults()).inventory();
        Secret passphrase = Secret.literal("a long enough passphrase");
        Path file = dir.resolve("seed-lab.sbdr");
        try (DrArchive.Writer w = new DrArchive.Writer(file, passphrase, new ArchiveCipher.Params(10, 8, 1, 4096))) {
            w.add("snapshot/seed-1.db", DrManifest.Kind.ETCD_SNAPSHOT, "0600", 3, out -> out.write(new byte[] {1, 2, 3}));
            w.add(DrManifest.SERVER_TOKEN, DrManifest.Kind.SERVER_TOKEN, "0600",
                    ("K10" + "a".repeat(64) + "::server:" + "b".repeat(32) + "\n").getBytes(StandardCharsets.UTF_8));
            w.add(DrManifest.AGENT_TOKEN, DrManifest.Kind.PKI, "0600", ("K10" + "a".repeat(64) + "::node:c\n").getBytes(StandardCharsets.UTF_8));
            w.finish(new DrManifest(null, "2026-11-27T10:00:00Z", "test", "seed-lab", "v1.35.7+rke2r1", "s1", "snapshot/seed-1.db", false,
                    List.of("s1", "old-s2", "a1"), List.of()));
        }
        DrArchive.Verified archive = DrArchive.verify(file, passphrase);
        HostLock lock = HostLock.forThisProcess("test.run", "laptop", "restore", Instant.now());
        BundleVerifier.Trust trust = BundleVerifier.Trust.pinned("SHA256:" + "A".repeat(43), "test");
        request = new RestoreAction.Request(inventory, archive, passphrase, dir.resolve("bundle"), trust, dir.resolve("kubeconfig"),
                SshOptions.defaults(), lock, false, 1);
        install = new InstallAction.Request(inventory, dir.resolve("bundle"), trust, RestoreAction.material(archive), dir.resolve("kubeconfig"),
                SshOptions.defaults(), lock, false, false, 1);
    }

    private static List<Class<?>> types(List<Phase> phases) {
        return phases.stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void restoreRunsEveryInstallPhaseButTheDocumentedOnesInInstallsOrder() {
        List<Class<?>> installs = types(InstallAction.phases(install));
        List<Class<?>> restores = types(RestoreAction.phases(request));
        assertTrue(installs.containsAll(NOT_IN_RESTORE), "each left-out phase is an install phase");
        assertEquals(installs.stream().filter(t -> !NOT_IN_RESTORE.contains(t)).toList(),
                restores.stream().filter(t -> !RESTORE_ONLY.contains(t)).toList(),
                "install's phases, in install's order, minus exactly the documented ones");
        assertEquals(RESTORE_ONLY, Set.copyOf(restores.stream().filter(t -> !installs.contains(t)).toList()));
        assertEquals(restores.size(), Set.copyOf(restores).size(), "each phase once");
    }

    @Test
    void restoresOwnPhasesSitWhereContractCPutsThem() {
        List<Class<?>> r = types(RestoreAction.phases(request));
        assertEquals(List.of(VerifyBundle.class, CheckArchiveFits.class, RestorePkiDirectory.class, Connect.class), r.subList(0, 4),
                "the archive and the PKI directory are checked before any host is contacted");
        int hosts = r.indexOf(CheckHosts.class);
        assertEquals(List.of(CheckHosts.class, CheckRestoreTarget.class, CheckConfigDrift.class), r.subList(hosts, hosts + 3));
        int write = r.indexOf(WriteNodeConfig.class);
        assertEquals(List.of(WriteNodeConfig.class, RestoreSnapshot.class, RestoreManifests.class, StartBootstrapServer.class,
                DeleteNodePasswords.class, ClearStaleDatastore.class, JoinNodes.class), r.subList(write, write + 7),
                "the datastore from the snapshot before the first start; the old machines' traces cleared before the joins");
        assertEquals(List.of(RemoveStaleNodes.class, CollectStatus.class), r.subList(r.size() - 2, r.size()));
    }

    @Test
    void aPhaseAddedToInstallRunsInRestoreTooInItsPlace() {
        Phase added = new Phase() {
            @Override
            public String title() {
                return "a phase install gets later";
            }

            @Override
            public void run(RunContext context) {}
        };
        List<Phase> installs = new ArrayList<>(InstallAction.phases(install));
        installs.add(installs.indexOf(installs.stream().filter(WriteNodeConfig.class::isInstance).findFirst().orElseThrow()) + 1, added);
        List<Phase> restores = RestoreAction.derive(installs, request);
        int at = restores.indexOf(added);
        assertTrue(at > 0, "restore runs it");
        assertEquals(WriteNodeConfig.class, restores.get(at - 1).getClass());
        assertEquals(RestoreSnapshot.class, restores.get(at + 1).getClass());
    }

    @Test
    void anEditWhoseAnchorIsGoneOrTwiceFailsInsteadOfDoingNothing() {
        List<Phase> withoutStart = new ArrayList<>(InstallAction.phases(install));
        withoutStart.removeIf(StartBootstrapServer.class::isInstance);
        IllegalStateException gone = assertThrows(IllegalStateException.class, () -> RestoreAction.derive(withoutStart, request));
        assertEquals("StartBootstrapServer is not in the phase list this one is derived from", gone.getMessage());
        List<Phase> twice = new ArrayList<>(InstallAction.phases(install));
        twice.add(twice.get(0));
        assertThrows(IllegalStateException.class, () -> Phases.of(twice).remove(VerifyBundle.class));
    }
}
