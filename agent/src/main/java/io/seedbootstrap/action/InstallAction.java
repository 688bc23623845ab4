package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.RunPreflight;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.phase.install.ApplyCisPrerequisites;
import io.seedbootstrap.phase.install.CheckClusterCa;
import io.seedbootstrap.phase.install.CheckConfigDrift;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.CheckSeedApps;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.DeploySeedApps;
import io.seedbootstrap.phase.install.FetchKubeconfig;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.install.StartBootstrapServer;
import io.seedbootstrap.phase.install.UploadAppImages;
import io.seedbootstrap.phase.install.UploadArtifacts;
import io.seedbootstrap.phase.install.WriteClusterCa;
import io.seedbootstrap.phase.install.WriteHandoff;
import io.seedbootstrap.phase.install.WriteNodeConfig;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code install}: bare machines to a running RKE2 cluster with its seed apps (cert-manager, MetalLB, Rancher, ArgoCD). The whole install is the list in
 * {@link #phases}; each phase looks before it acts, so the same list converges a cluster that is
 * partly or fully there. The host locks are released by TakeLock's clean-up, after success or failure.
 */
public final class InstallAction {

    /**
     * What one install needs, all checked before the phases run.
     *
     * @param bundleDirectory the offline bundle
     * @param trust           the signing key the inventory pins
     * @param cluster         the CA set and tokens from the PKI directory
     * @param kubeconfig      where the operator's kubeconfig is written
     * @param forceUnlock     take host locks held by other runs
     * @param applyConfigChanges write a changed configuration to running nodes and restart them one at a time
     * @param verifiedFiles  bundle files hashed right in earlier runs and unchanged since: not hashed again
     *                       (VerifiedFiles says why that is safe)
     */
    public record Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, ClusterMaterial cluster,
            Path kubeconfig, SshOptions ssh, boolean forceUnlock, boolean applyConfigChanges, int verifyThreads,
            VerifiedFiles verifiedFiles) {

        /** Hashing every bundle file (nothing remembered from earlier runs). */
        public Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, ClusterMaterial cluster,
                Path kubeconfig, SshOptions ssh, boolean forceUnlock, boolean applyConfigChanges, int verifyThreads) {
            this(inventory, bundleDirectory, trust, cluster, kubeconfig, ssh, forceUnlock, applyConfigChanges, verifyThreads,
                    VerifiedFiles.none());
        }
    }

    /**
     * What the install did, for the command to print.
     *
     * @param rke2Version the bundle's ("" when the run stopped before it was read)
     * @param nodes       the cluster's nodes at the end (empty in a dry run)
     * @param bytesSent   what crossed the operator's link: commands and file bytes, every host
     */
    public record Result(ActionRunner.Finished run, String rke2Version, List<NodeStatus> nodes, long bytesSent) {}

    private InstallAction() {}

    /** Runs the install on {@code runner}; throws (after the clean-ups) when a phase fails. */
    public static Result run(Request request, ActionRunner runner, List<Secret> secrets) {
        Inventory inventory = request.inventory();
        ActionRunner.Ran ran = runner.run(inventory, secrets, lock -> phases(request, lock),
                "install of cluster " + inventory.cluster().name() + " on " + inventory.hosts().size() + " host(s)");
        RunState state = ran.context().state();
        return new Result(ran.finished(), state.find(null, VerifyBundle.BUNDLE).map(b -> b.manifest().rke2Version()).orElse(""),
                state.find(null, CollectStatus.NODES).map(CollectStatus.Nodes::list).orElse(List.of()), request.ssh().traffic().sent());
    }

    /** @param lock this process's, from the {@link ActionRunner} */
    public static List<Phase> phases(Request request, HostLock lock) {
        Inventory inventory = request.inventory();
        List<Host> hosts = inventory.hosts();
        Host bootstrap = inventory.bootstrapServer();
        return List.of(
                new VerifyBundle(request.bundleDirectory(), request.trust(), new BundleVerifier(request.verifyThreads(),
                        io.seedbootstrap.bundle.Progress.none()).remembering(request.verifiedFiles())),
                new CheckSeedApps(inventory.pki().dir()),
                new Connect(hosts, request.ssh()),
                // the read-only checks' files looked at in the facts command: one round trip, not one per check
                new GatherFacts(hosts, host -> CheckConfigDrift.look(inventory, host, request.cluster())
                        .and(CheckClusterCa.look(bootstrap, host))),
                new RunPreflight(hosts),
                new CheckHosts(hosts),
                new CheckClusterCa(bootstrap, request.cluster()),
                new CheckConfigDrift(hosts, request.cluster(), request.applyConfigChanges()),
                // what the uploads, the cluster CA, the configuration and the joins read, looked at in the lock's command
                // (a converged re-run asks them nothing)
                new TakeLock(hosts, lock, request.forceUnlock(), (context, host) -> UploadArtifacts.look(context)
                        .and(WriteNodeConfig.look(inventory, host, request.cluster())).and(CheckClusterCa.look(bootstrap, host))
                        .and(JoinNodes.look(context, host))),
                new UploadArtifacts(hosts),
                new InstallRke2(hosts),
                new ApplyCisPrerequisites(hosts),
                new WriteClusterCa(bootstrap, request.cluster()),
                new WriteNodeConfig(hosts, request.cluster()),
                new StartBootstrapServer(bootstrap),
                new JoinNodes(bootstrap, inventory.servers(), inventory.agents()),
                new RestartReconfiguredNodes(bootstrap, inventory.servers(), inventory.agents()),
                // the kubeconfig before the apps: if an app fails, the operator can already look at the cluster
                new FetchKubeconfig(bootstrap, request.kubeconfig()),
                new UploadAppImages(hosts),
                new DeploySeedApps(bootstrap, inventory.pki().dir(), request.kubeconfig().toAbsolutePath().getParent()),
                // after the apps: the hand-off names what they serve (and a generated Rancher password exists by then)
                new WriteHandoff(request.kubeconfig(), inventory.pki().dir(), false),
                new CollectStatus(bootstrap));
    }
}
