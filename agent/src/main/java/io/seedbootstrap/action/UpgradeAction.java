package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.Phases;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.dr.SaveSnapshot;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.upgrade.CheckUpgrade;
import io.seedbootstrap.phase.upgrade.ReadSnapshotPassphrase;
import io.seedbootstrap.phase.upgrade.SkipSnapshot;
import io.seedbootstrap.phase.upgrade.UpgradeAgents;
import io.seedbootstrap.phase.upgrade.UpgradePlan;
import io.seedbootstrap.phase.upgrade.UpgradeServers;
import io.seedbootstrap.phase.upgrade.WhenUpgrading;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
 * neither runs when every node is at the new version already, and the archive's passphrase is
 * read (before the locks) only when the snapshot will be taken;</li>
 * <li>no install.sh on every host at once: after the joins (which find every node joined), the
 * servers one at a time, then the agents in bounded batches;</li>
 * <li>no restart of reconfigured nodes: upgrade never applies configuration changes.</li>
 * </ul>
 */
public final class UpgradeAction {
    /**
     * @param snapshot     the archive the pre-upgrade snapshot goes into, from the run id (its default
     *                     name carries it); null: no snapshot (--no-snapshot)
     * @param agentBatch   agents upgraded at once
     * @param drainTimeout null: agents are not cordoned and drained first
     * @param verifiedFiles bundle files hashed right in earlier runs and unchanged since: not hashed again (as install's)
     */
    public record Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, ClusterMaterial cluster, Path kubeconfig,
            SshOptions ssh, boolean forceUnlock, int verifyThreads, Function<String, WriteArchive.Target> snapshot, int agentBatch,
            Duration drainTimeout, VerifiedFiles verifiedFiles) {

        /** Hashing every bundle file (nothing remembered from earlier runs). */
        public Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, ClusterMaterial cluster, Path kubeconfig,
                SshOptions ssh, boolean forceUnlock, int verifyThreads, Function<String, WriteArchive.Target> snapshot, int agentBatch,
                Duration drainTimeout) {
            this(inventory, bundleDirectory, trust, cluster, kubeconfig, ssh, forceUnlock, verifyThreads, snapshot, agentBatch, drainTimeout,
                    VerifiedFiles.none());
        }
    }

    /**
     * What the upgrade did, for the command to print.
     *
     * @param plan     the versions before and the nodes to move (empty when the run stopped before the check)
     * @param nodes    the cluster's nodes at the end (empty in a dry run)
     * @param archive  the snapshot archive this run wrote; empty with --no-snapshot, in a dry run, or when
     *                 every node was at the new version already
     */
    public record Result(ActionRunner.Finished run, Optional<UpgradePlan> plan, List<NodeStatus> nodes, Optional<Path> archive) {}

    private UpgradeAction() {}

    /** Runs the upgrade on {@code runner}; throws (after the clean-ups) when a phase fails. */
    public static Result run(Request request, ActionRunner runner, List<Secret> secrets) {
        Inventory inventory = request.inventory();
        Path[] archive = new Path[1];
        ActionRunner.Ran ran = runner.run(inventory, secrets, lock -> {
            WriteArchive.Target target = request.snapshot() == null ? null : request.snapshot().apply(lock.runId());
            archive[0] = target == null ? null : target.file();
            return phases(request, lock, target);
        }, "upgrade of cluster " + inventory.cluster().name() + " on " + inventory.hosts().size() + " host(s)");
        RunState state = ran.context().state();
        Optional<UpgradePlan> plan = state.find(null, UpgradePlan.PLAN);
        boolean upgraded = plan.map(p -> !p.pending().isEmpty()).orElse(false);
        return new Result(ran.finished(), plan, state.find(null, CollectStatus.NODES).map(CollectStatus.Nodes::list).orElse(List.of()),
                Optional.ofNullable(runner.dryRun() || !upgraded ? null : archive[0]));
    }

    /** @param lock this process's, from the {@link ActionRunner} */
    public static List<Phase> phases(Request request, HostLock lock) {
        return phases(request, lock, request.snapshot() == null ? null : request.snapshot().apply(lock.runId()));
    }

    private static List<Phase> phases(Request request, HostLock lock, WriteArchive.Target snapshot) {
        return derive(InstallAction.phases(new InstallAction.Request(request.inventory(), request.bundleDirectory(), request.trust(),
                request.cluster(), request.kubeconfig(), request.ssh(), request.forceUnlock(), false, request.verifyThreads(),
                request.verifiedFiles()), lock),
                request, snapshot);
    }

    /** Upgrade's phases from install's {@code install} list (the class comment says why each edit). */
    static List<Phase> derive(List<Phase> install, Request request, WriteArchive.Target archive) {
        Inventory inventory = request.inventory();
        Host bootstrap = inventory.bootstrapServer();
        // the passphrase before the locks and only when a snapshot will be taken; the snapshot once the locks are held
        Phase[] passphrase = archive == null ? new Phase[0] : new Phase[] {new WhenUpgrading(new ReadSnapshotPassphrase(archive.passphrase()))};
        Phase[] snapshot = archive == null ? new Phase[] {new SkipSnapshot()}
                : new Phase[] {new WhenUpgrading(new SaveSnapshot(bootstrap)), new WhenUpgrading(new WriteArchive(bootstrap, archive))};
        return Phases.of(install)
                .replace(CheckHosts.class, new CheckUpgrade(bootstrap, inventory.hosts()))
                .insertBefore(TakeLock.class, passphrase)
                .insertAfter(TakeLock.class, snapshot)
                .remove(InstallRke2.class, RestartReconfiguredNodes.class)
                .insertAfter(JoinNodes.class, new UpgradeServers(bootstrap, inventory.servers(), inventory.agents()),
                        new UpgradeAgents(bootstrap, inventory.agents(), request.agentBatch(), request.drainTimeout()))
                .toList();
    }
}
