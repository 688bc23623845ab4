package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.UpgradeAction;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedFiles;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Plan;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.phase.upgrade.UpgradePlan;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code seed-bootstrap upgrade INVENTORY}: adapts options to an {@link UpgradeAction.Request} and
 * prints the plan or each node's version before and after. A command of its own rather than a
 * mode of install: it needs what install does not (the DR passphrase for the snapshot archive,
 * batches and drains), refuses what install accepts (a cluster that is not running and healthy),
 * and an operator reading a runbook sees which of the two moves the cluster's version.
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Move a running seed to the RKE2 of a newer bundle: check it is a supported step (no downgrade, at most one "
                + "minor version, every node Ready, etcd healthy), save an etcd snapshot into a DR archive on this machine, upgrade "
                + "the servers one at a time, then the agents in batches, then the seed apps whose charts changed.",
            "Set cluster.rke2Version to the new bundle's version first. Re-running continues where a run stopped; nodes already "
                + "at the new version are not touched. The archive passphrase comes from $SEED_DR_PASSPHRASE (or --passphrase-env, else "
                + "the terminal), and is asked for only when some node needs the upgrade."})
final class UpgradeCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--dry-run", description = "Run the read-only checks for real, print every change it would make per host, change nothing.")
    boolean dryRun;

    @Option(names = "--bundle", paramLabel = "DIR", description = "The new offline bundle (default: the directory of the launcher seed-bootstrap.sh when run by it, else the inventory's bundle.path).")
    Path bundle;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The admin kubeconfig install wrote (0600; default: CLUSTER.kubeconfig beside the inventory).")
    Path kubeconfig;

    @Option(names = "--snapshot-out", paramLabel = "FILE",
            description = "The DR archive of the pre-upgrade snapshot (default: CLUSTER-before-upgrade-RUN.sbdr beside the inventory).")
    Path snapshotOut;

    @Option(names = "--no-snapshot", description = "Upgrade without taking an etcd snapshot first (there is then no archive of this "
            + "moment to go back to).")
    boolean noSnapshot;

    @Option(names = "--agent-batch", paramLabel = "N", defaultValue = "1",
            description = "Agents upgraded at the same time (default: ${DEFAULT-VALUE}).")
    int agentBatch;

    @Option(names = "--drain", description = "Cordon and drain each agent before its upgrade, uncordon it once it is back.")
    boolean drain;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long a drain may take before the upgrade stops (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    DrPassphrase passphrase;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        if (agentBatch < 1 || drainSeconds < 1) {
            throw SeedException.badInput("--agent-batch and --drain-timeout must be at least 1");
        }
        LoadedInventory loaded = loadOrThrow();
        Inventory inventory = loaded.inventory();
        Path bundleDir = BundleDirectory.resolve(bundle, context.environment(), inventory, file).path();
        String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
        if (pinned == null) {
            throw SeedException.badInput(file + ": bundle.signingKeyFingerprint is not set; pin the fingerprint `bundle keygen` printed, "
                    + "so only bundles signed by that key are installed");
        }
        ClusterMaterial material = ClusterMaterial.load(inventory.pki().dir());
        Path besides = loaded.file().toAbsolutePath().getParent();
        Path kubeconfigFile = kubeconfigFile(kubeconfig, loaded);
        // read only once a node needs the upgrade (ReadSnapshotPassphrase): a converged re-run takes no snapshot, asks nothing
        Supplier<Secret> secret = noSnapshot || dryRun ? () -> Secret.literal("") : passphrase.whenNeeded(context, true);
        List<Secret> secrets = new ArrayList<>(material.secrets());
        passphrase.fromEnvironment(context).ifPresent(secrets::add);
        Function<String, WriteArchive.Target> snapshot = noSnapshot ? null : runId -> new WriteArchive.Target(
                (snapshotOut != null ? snapshotOut
                        : besides.resolve(inventory.cluster().name() + "-before-upgrade-" + runId.replace('.', '-') + ".sbdr")).toAbsolutePath(),
                secret, ArchiveCipher.Params.defaults(), loaded.file().toAbsolutePath(), inventory.pki().dir(), false, "seed-bootstrap upgrade");
        UpgradeAction.Result result = UpgradeAction.run(new UpgradeAction.Request(inventory, bundleDir,
                BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + file), material, kubeconfigFile,
                hostRun.ssh(), hostRun.forceUnlock, Math.max(1, Runtime.getRuntime().availableProcessors()), snapshot,
                agentBatch, drain ? Duration.ofSeconds(drainSeconds) : null,
                VerifiedFiles.at(VerifiedFiles.defaultFile(context.environment(), context.home()))), runner("upgrade", dryRun, hostRun), secrets);
        print(inventory, result);
        return 0;
    }

    private void print(Inventory inventory, UpgradeAction.Result result) {
        PrintWriter out = out();
        List<NodeStatus> nodes = result.nodes();
        Optional<UpgradePlan> plan = result.plan();
        Plan changes = result.run().plan();
        Duration took = result.run().took();
        String target = plan.map(UpgradePlan::target).orElse("");
        boolean upgraded = plan.map(p -> !p.pending().isEmpty()).orElse(false);
        String snapshot = result.archive().map(Path::toString).orElse(null);
        if (output.json()) {
            ObjectNode root = Json.json().createObjectNode();
            root.put("cluster", inventory.cluster().name());
            root.put("dryRun", dryRun);
            root.put("rke2Version", target);
            root.put("snapshotArchive", snapshot);
            root.put("seconds", took.toMillis() / 1000.0);
            ArrayNode hosts = root.putArray("hosts");
            for (Host host : inventory.hosts()) {
                ObjectNode h = hosts.addObject().put("name", host.name()).put("role", host.role().key())
                        .put("before", plan.map(p -> p.before().get(host.name())).orElse(null))
                        .put("upgraded", plan.map(p -> p.pending(host)).orElse(false));
                Output.nodeOf(nodes, host).ifPresent(n -> h.put("after", n.kubeletVersion()).put("ready", n.ready()));
            }
            Output.putChanges(root, changes);
            Output.print(out, Json.json(), root);
            return;
        }
        if (dryRun) {
            Output.printChanges(out, result.run(), true, heading -> { });
            return;
        }
        out.printf("Cluster %s: RKE2 %s, %s in %.0f s%n", inventory.cluster().name(), target,
                upgraded ? "upgraded" : "every node was at this version already", took.toMillis() / 1000.0);
        out.printf("%-16s %-7s %-22s %-22s %s%n", "HOST", "ROLE", "BEFORE", "AFTER", "STATUS");
        for (Host host : inventory.hosts()) {
            Optional<NodeStatus> n = Output.nodeOf(nodes, host);
            out.printf("%-16s %-7s %-22s %-22s %s%n", host.name(), host.role().key() + (host.equals(inventory.bootstrapServer()) ? "*" : ""),
                    plan.map(p -> p.before().get(host.name())).orElse(""), n.map(NodeStatus::kubeletVersion).orElse(""),
                    n.map(s -> s.ready() ? "Ready" : "NotReady").orElse("absent"));
        }
        out.printf("(* bootstrap server)  %d change(s) made%n", changes.lastingChanges().size());
        if (snapshot != null) {
            out.println("snapshot before the upgrade: " + snapshot + "   (seed-bootstrap backup verify " + snapshot + ")");
        } else if (noSnapshot && upgraded) {
            out.println("NO SNAPSHOT was taken before this upgrade (--no-snapshot).");
        }
    }
}
