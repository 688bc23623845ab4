package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.Phases;
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
import io.seedbootstrap.phase.install.CheckSeedApps;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.DeploySeedApps;
import io.seedbootstrap.phase.install.RestartReconfiguredNodes;
import io.seedbootstrap.phase.install.StartBootstrapServer;
import io.seedbootstrap.phase.install.WriteClusterCa;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code restore}: the seed rebuilt from a DR archive onto machines that may be new, with new
 * addresses and names. It is install's list ({@link InstallAction#phases}, with the archive's
 * tokens and no config changes), edited where a restore differs (contract C, "Restore to new
 * hosts"), so every other install phase, and any added later, runs in restore too:
 * <ul>
 * <li>before any host: the archive fits the inventory and the bundle, and pki.dir is the archive's;</li>
 * <li>no seed-app check or deploy: the restored datastore holds the seed apps (their image archives
 * still go to the new machines, A.3);</li>
 * <li>instead of checking a datastore runs on the PKI's CA, the bootstrap server must hold none but
 * this snapshot's; and no server/tls is written: the snapshot and the original server token bring
 * the CAs back (B.1);</li>
 * <li>before the bootstrap server's first start its datastore comes from the snapshot through
 * --cluster-reset, and the archived server/manifests are put back; after it, what the old machines
 * left in the datastore is cleaned up (node-password secrets of reused names, the other servers'
 * old server/db) before the joins, and their Node objects before the status;</li>
 * <li>no restart of reconfigured nodes: restore never applies configuration changes.</li>
 * </ul>
 * The archive was read through and found whole before the request is built.
 */
public final class RestoreAction {
    public record Request(Inventory inventory, DrArchive.Verified archive, Secret passphrase, Path bundleDirectory,
            BundleVerifier.Trust trust, Path kubeconfig, SshOptions ssh, HostLock lock, boolean forceUnlock, int verifyThreads) {}

    private RestoreAction() {}

    public static List<Phase> phases(Request request) {
        return derive(InstallAction.phases(new InstallAction.Request(request.inventory(), request.bundleDirectory(), request.trust(),
                material(request.archive()), request.kubeconfig(), request.ssh(), request.lock(), request.forceUnlock(), false,
                request.verifyThreads())), request);
    }

    /**
     * Restore's phases from install's {@code install} list (the class comment says why each edit);
     * the rest keeps install's order, the kubeconfig fetched before the image archives are sent.
     */
    static List<Phase> derive(List<Phase> install, Request request) {
        Inventory inventory = request.inventory();
        Host bootstrap = inventory.bootstrapServer();
        DrArchive.Verified archive = request.archive();
        List<String> nodesAtBackup = archive.manifest().nodes();
        return Phases.of(install)
                .insertAfter(VerifyBundle.class, new CheckArchiveFits(archive), new RestorePkiDirectory(archive, inventory.pki().dir()))
                .remove(CheckSeedApps.class, DeploySeedApps.class, WriteClusterCa.class, RestartReconfiguredNodes.class)
                .replace(CheckClusterCa.class, new CheckRestoreTarget(bootstrap, archive))
                .insertBefore(StartBootstrapServer.class, new RestoreSnapshot(bootstrap, archive, request.passphrase()),
                        new RestoreManifests(bootstrap, archive))
                .insertAfter(StartBootstrapServer.class, new DeleteNodePasswords(bootstrap, inventory.hosts(), nodesAtBackup),
                        new ClearStaleDatastore(bootstrap, inventory.servers()))
                .insertBefore(CollectStatus.class, new RemoveStaleNodes(bootstrap, nodesAtBackup))
                .toList();
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
