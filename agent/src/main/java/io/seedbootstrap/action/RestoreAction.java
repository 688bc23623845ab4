package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.RunPreflight;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.dr.CheckArchiveFits;
import io.seedbootstrap.phase.dr.CheckRestoreTarget;
import io.seedbootstrap.phase.dr.ClearStaleDatastore;
import io.seedbootstrap.phase.dr.DeleteNodePasswords;
import io.seedbootstrap.phase.dr.RemoveStaleNodes;
import io.seedbootstrap.phase.dr.RestoreManifests;
import io.seedbootstrap.phase.dr.RestorePkiDirectory;
import io.seedbootstrap.phase.dr.RestoreSnapshot;
import io.seedbootstrap.phase.install.ApplyCisPrerequisites;
import io.seedbootstrap.phase.install.CheckConfigDrift;
import io.seedbootstrap.phase.install.CheckHosts;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.FetchKubeconfig;
import io.seedbootstrap.phase.install.InstallRke2;
import io.seedbootstrap.phase.install.JoinNodes;
import io.seedbootstrap.phase.install.StartBootstrapServer;
import io.seedbootstrap.phase.install.UploadAppImages;
import io.seedbootstrap.phase.install.UploadArtifacts;
import io.seedbootstrap.phase.install.VerifyBundle;
import io.seedbootstrap.phase.install.WriteNodeConfig;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code restore}: the seed rebuilt from a DR archive onto machines that may be new, with new
 * addresses and names. It is install's list with three differences (contract C, "Restore to new
 * hosts"): no server/tls is written (WriteClusterCa is left out: the snapshot and the original
 * server token bring the CAs back), the bootstrap server's datastore comes from the snapshot
 * through --cluster-reset before its first start, and what the old machines left in the
 * datastore is cleaned up (node-password secrets of reused names, Node objects of machines
 * that are gone). The archive was read through and found whole before the request is built.
 */
public final class RestoreAction {
    public record Request(Inventory inventory, DrArchive.Verified archive, Secret passphrase, Path bundleDirectory,
            BundleVerifier.Trust trust, Path kubeconfig, SshOptions ssh, HostLock lock, boolean forceUnlock, int verifyThreads) {}

    private RestoreAction() {}

    public static List<Phase> phases(Request request) {
        Inventory inventory = request.inventory();
        List<Host> hosts = inventory.hosts();
        Host bootstrap = inventory.bootstrapServer();
        ClusterMaterial cluster = material(request.archive());
        return List.of(
                new VerifyBundle(request.bundleDirectory(), request.trust(), new BundleVerifier(request.verifyThreads(),
                        io.seedbootstrap.bundle.Progress.none())),
                new CheckArchiveFits(request.archive()),
                new RestorePkiDirectory(request.archive(), inventory.pki().dir()),
                new Connect(hosts, request.ssh()),
                new GatherFacts(hosts),
                new RunPreflight(hosts),
                new CheckHosts(hosts),
                new CheckRestoreTarget(bootstrap, request.archive()),
                new CheckConfigDrift(hosts, cluster, false),
                new TakeLock(hosts, request.lock(), request.forceUnlock()),
                new UploadArtifacts(hosts),
                new InstallRke2(hosts),
                new ApplyCisPrerequisites(hosts),
                new WriteNodeConfig(hosts, cluster),
                new RestoreSnapshot(bootstrap, request.archive(), request.passphrase()),
                new RestoreManifests(bootstrap, request.archive()),
                new StartBootstrapServer(bootstrap),
                new DeleteNodePasswords(bootstrap, hosts, request.archive().manifest().nodes()),
                new ClearStaleDatastore(bootstrap, inventory.servers()),
                new JoinNodes(bootstrap, inventory.servers(), inventory.agents()),
                // the restored datastore holds the seed apps; new machines still need their image archives (A.3)
                new UploadAppImages(hosts),
                new RemoveStaleNodes(bootstrap, request.archive().manifest().nodes()),
                new FetchKubeconfig(bootstrap, request.kubeconfig()),
                new CollectStatus(bootstrap));
    }

    /**
     * The tokens nodes get: the server token RKE2 ran with (contract C: it decrypts the snapshot)
     * and the agent token from the archived PKI, so agents join as before. The CA files are
     * carried along but never written to a host by restore.
     */
    public static ClusterMaterial material(DrArchive.Verified archive) {
        List<ClusterMaterial.TlsFile> tls = new ArrayList<>();
        String prefix = DrManifest.PKI + "cluster/server/tls/";
        for (DrManifest.Entry e : archive.manifest().files()) {
            if (e.path().startsWith(prefix)) {
                String relative = e.path().substring(prefix.length());
                tls.add(new ClusterMaterial.TlsFile(relative, archive.content(e.path()), relative.endsWith(".key")));
            }
        }
        return new ClusterMaterial(List.copyOf(tls), token(archive, DrManifest.SERVER_TOKEN, "::server:"),
                token(archive, DrManifest.AGENT_TOKEN, "::node:"));
    }

    private static Secret token(DrArchive.Verified archive, String path, String user) {
        String value = archive.text(path).strip();
        if (!value.startsWith("K10") || !value.contains(user)) {
            // a short token cannot be checked against the CA by joining nodes (B.3); refuse rather than guess
            throw SeedException.badInput(archive.file() + ": " + path + " is not a full token (K10<hash>" + user + "<secret>); "
                    + "nothing was changed");
        }
        return Secret.literal(value);
    }
}
