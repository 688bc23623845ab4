package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.Phases;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.dr.SaveSnapshot;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.upgrade.CheckUpgrade;
import io.seedbootstrap.phase.upgrade.SkipSnapshot;
import io.seedbootstrap.phase.upgrade.UpgradeAgents;
import io.seedbootstrap.phase.upgrade.UpgradeServers;
import io.seedbootstrap.phase.upgrade.WhenUpgrading;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.ssh.SshOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code upgrade}: a running seed moved to a newer bundle's RKE2 (contract A.11). It is install's
 * list ({@link InstallAction#phases}, with no config changes) edited where an upgrade differs, so
 * every other install phase, and any added later, runs too, and converges as it does in install
 * (the new artifacts and image archives reach every host through the relay before any node
 * moves; the seed apps whose charts changed in the new bill of materials are updated and their
 * jobs waited on by DeploySeedApps, after the nodes):
 * <ul>
 * <li>instead of install's host check, {@link CheckUpgrade}: a running, Ready, etcd-healthy
 * cluster, and the bundle no downgrade and at most one minor ahead of any node;</li>
 * <li>once the locks are held and before any change: an etcd snapshot sealed into a DR archive
 * on the operator's disk, as {@code backup} makes it (or a loud warning with --no-snapshot);
 * neither runs when every node is at the new version already;</li>
 * <li>no install.sh on every host at once: after the joins (which find every node joined), the
 * servers one at a time, then the agents in bounded batches;</li>
 * <li>no restart of reconfigured nodes: upgrade never applies configuration changes.</li>
 * </ul>
 */
public final class UpgradeAction {
    /**
     * @param snapshot     the archive the pre-upgrade snapshot goes into; null: no snapshot (--no-snapshot)
     * @param agentBatch   agents upgraded at once
     * @param drainTimeout null: agents are not cordoned and drained first
     */
    public record Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, ClusterMaterial cluster, Path kubeconfig,
            SshOptions ssh, HostLock lock, boolean forceUnlock, int verifyThreads, WriteArchive.Target snapshot, int agentBatch,
            Duration drainTimeout) {}

    private UpgradeAction() {}

    public static List<Phase> phases(Request request) {
        return derive(InstallAction.phases(new InstallAction.Request(request.inventory(), request.bundleDirectory(), request.trust(),
                request.cluster(), request.kubeconfig(), request.ssh(), request.lock(), request.forceUnlock(), false,
                request.verifyThreads())), request);
    }

    /** Upgrade's phases from install's {@code install} list (the class comment says why each edit). */
    static List<Phase> derive(List<Phase> install, Request request) {
        Inventory inventory = request.inventory();
        Host bootstrap = inventory.bootstrapServer();
        Phase[] snapshot = request.snapshot() == null ? new Phase[] {new SkipSnapshot()}
                : new Phase[] {new WhenUpgrading(new SaveSnapshot(bootstrap)), new WhenUpgrading(new WriteArchive(bootstrap, request.snapshot()))};
        return Phases.of(install)
                .replace(CheckHosts.class, new CheckUpgrade(bootstrap, inventory.hosts()))
                .insertAfter(TakeLock.class, snapshot)
                .remove(InstallRke2.class, RestartReconfiguredNodes.class)
                .insertAfter(JoinNodes.class, new UpgradeServers(bootstrap, inventory.servers(), inventory.agents()),
                        new UpgradeAgents(bootstrap, inventory.agents(), request.agentBatch(), request.drainTimeout()))
                .toList();
    }
}
