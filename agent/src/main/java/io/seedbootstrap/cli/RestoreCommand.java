package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.RestoreAction;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code seed-bootstrap restore ARCHIVE INVENTORY}: the seed rebuilt from a DR archive (contract C). */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Rebuild the seed from a DR archive onto the inventory's machines (new ones, possibly with new addresses and "
                + "names): verify the archive and the bundle, install RKE2, restore the snapshot on the bootstrap server with the "
                + "original server token, start it, join the other servers and the agents, remove nodes that are gone.",
            "The archive is read through and checked before any host is contacted."})
final class RestoreCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The DR archive `backup` wrote.")
    Path archive;

    @Parameters(index = "1", paramLabel = "INVENTORY", description = "The inventory of the machines to restore onto.")
    Path inventoryFile;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    InventoryOptions inventoryOptions;

    @Option(names = "--dry-run", description = "Run the read-only checks for real, print every change per host, change nothing.")
    boolean dryRun;

    @Option(names = "--bundle", paramLabel = "DIR", description = "The offline bundle (default: the directory of the launcher seed-bootstrap.sh when run by it, else the inventory's bundle.path).")
    Path bundle;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Where to write the admin kubeconfig (0600).")
    Path kubeconfig;

    @Mixin
    DrPassphrase passphrase;

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow(inventoryFile, inventoryOptions);
        Inventory inventory = loaded.inventory();
        String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
        if (pinned == null) {
            throw SeedException.badInput(inventoryFile + ": bundle.signingKeyFingerprint must be set: pin the fingerprint `bundle keygen` "
                    + "printed, so only bundles signed by that key are installed");
        }
        Path bundleDir = BundleDirectory.resolve(bundle, context.environment(), inventory, inventoryFile).path();
        Secret secret = passphrase.get(context, false);
        // before anything else: the whole archive, so a bad one is refused before any host is touched
        DrArchive.Verified verified = DrArchive.verify(archive, secret);
        List<Secret> secrets = new ArrayList<>(List.of(secret));
        // the full tokens and their secret parts alone, as install redacts them
        secrets.addAll(RestoreAction.material(verified).secrets());
        Path kubeconfigFile = kubeconfigFile(kubeconfig, loaded);
        RestoreAction.Result result = RestoreAction.run(new RestoreAction.Request(inventory, verified, secret, bundleDir,
                BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + inventoryFile), kubeconfigFile, hostRun.ssh(),
                hostRun.forceUnlock, Math.max(1, Runtime.getRuntime().availableProcessors())), runner("restore", dryRun, hostRun), secrets);
        ActionRunner.Finished done = result.run();
        PrintWriter out = out();
        if (dryRun) {
            Output.printChanges(out, done, true, s -> { });
            return 0;
        }
        DrManifest m = verified.manifest();
        out.printf("Cluster %s restored from the backup of %s (RKE2 %s, snapshot %s) in %.0f s%n", m.cluster(), m.createdAt(),
                m.rke2Version(), m.snapshot(), done.took().toMillis() / 1000.0);
        out.println("What changed in the cluster:");
        for (PlannedChange c : done.plan().lastingChanges()) {
            if (c.description().startsWith("delete ") || c.description().startsWith("rke2 server --cluster-reset")
                    || c.description().startsWith("remove ")) {
                out.println("  " + c.host() + ": " + c.description());
            }
        }
        out.printf("  bootstrap server: %s (was %s)%n", inventory.bootstrapServer().name(), m.bootstrapServer());
        List<NodeStatus> nodes = result.nodes();
        out.printf("%-16s %-7s %-16s %-16s %s%n", "HOST", "ROLE", "ADDRESS", "NODE", "STATUS");
        for (Host host : inventory.hosts()) {
            Optional<NodeStatus> n = Output.nodeOf(nodes, host);
            out.printf("%-16s %-7s %-16s %-16s %s%n", host.name(), host.role().key(), host.address(), host.effectiveNodeName(),
                    n.map(s -> s.ready() ? "Ready" : "NotReady").orElse("absent"));
        }
        out.println(done.plan().lastingChanges().size() + " change(s) made");
        out.println("kubeconfig: " + kubeconfigFile);
        return 0;
    }
}
