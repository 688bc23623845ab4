package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.InstallAction;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.VerifiedFiles;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Plan;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap install INVENTORY}: adapts options to an {@link InstallAction.Request} and prints the plan or the summary. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install RKE2 on the inventory's machines from the offline bundle: verify the bundle, connect, check the hosts, "
                + "upload, install, write the PKI and configuration, start the bootstrap server, join the others, fetch the kubeconfig.",
            "Re-running converges: what is already in place is not touched. --dry-run prints every change per host and changes nothing."})
final class InstallCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--dry-run", description = "Run the read-only checks for real, print every change it would make per host, change nothing.")
    boolean dryRun;

    @Option(names = "--bundle", paramLabel = "DIR", description = "The offline bundle (default: the directory of the launcher seed-bootstrap.sh when run by it, else the inventory's bundle.path).")
    Path bundle;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Where to write the admin kubeconfig (0600; default: CLUSTER.kubeconfig beside the inventory).")
    Path kubeconfig;

    @Option(names = "--apply-config-changes",
            description = "Write a changed configuration to nodes that already run and restart them one at a time (the diff is shown "
                    + "first; the CNI, the critical values and the tokens never change on a running cluster).")
    boolean applyConfigChanges;

    @Mixin
    HostRunOptions hostRun;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow();
        Inventory inventory = loaded.inventory();
        Path bundleDir = BundleDirectory.resolve(bundle, context.environment(), inventory, file).path();
        String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
        if (pinned == null) {
            throw SeedException.badInput(file + ": bundle.signingKeyFingerprint is not set; pin the fingerprint `bundle keygen` printed, "
                    + "so only bundles signed by that key are installed");
        }
        ClusterMaterial material = ClusterMaterial.load(inventory.pki().dir());
        Path kubeconfigFile = kubeconfigFile(kubeconfig, loaded);
        InstallAction.Result result = InstallAction.run(new InstallAction.Request(inventory, bundleDir,
                BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + file), material, kubeconfigFile, hostRun.ssh(),
                hostRun.forceUnlock, applyConfigChanges, Math.max(1, Runtime.getRuntime().availableProcessors()),
                VerifiedFiles.at(VerifiedFiles.defaultFile(context.environment(), context.home()))),
                runner("install", dryRun, hostRun), material.secrets());
        print(inventory, result, kubeconfigFile);
        return 0;
    }

    private void print(Inventory inventory, InstallAction.Result result, Path kubeconfigFile) {
        PrintWriter out = out();
        List<NodeStatus> nodes = result.nodes();
        String version = result.rke2Version();
        Duration took = result.run().took();
        long bytesSent = result.bytesSent();
        Plan plan = result.run().plan();
        if (output.json()) {
            ObjectNode root = Json.json().createObjectNode();
            root.put("cluster", inventory.cluster().name());
            root.put("dryRun", dryRun);
            root.put("rke2Version", version);
            root.put("kubeconfig", dryRun ? null : kubeconfigFile.toString());
            root.put("seconds", took.toMillis() / 1000.0);
            // what crossed the operator's link: commands and file bytes, every host (TrafficCounter)
            root.put("bytesSent", bytesSent);
            ArrayNode hosts = root.putArray("hosts");
            for (Host host : inventory.hosts()) {
                ObjectNode h = hosts.addObject().put("name", host.name()).put("role", host.role().key()).put("address", host.address())
                        .put("bootstrap", host.equals(inventory.bootstrapServer()));
                Output.nodeOf(nodes, host).ifPresent(n -> h.put("node", n.name()).put("ready", n.ready()).put("kubeletVersion", n.kubeletVersion()));
            }
            ArrayNode phases = root.putArray("phases");
            result.run().phases().forEach(r -> phases.addObject().put("title", r.title()).put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                    .put("seconds", r.took().toMillis() / 1000.0));
            Output.putChanges(root, plan);
            Output.print(out, Json.json(), root);
            return;
        }
        if (dryRun) {
            Output.printChanges(out, result.run(), true, heading -> { });
            return;
        }
        out.printf("Cluster %s: RKE2 %s, %d host(s), installed in %.0f s%n", inventory.cluster().name(), version, inventory.hosts().size(),
                took.toMillis() / 1000.0);
        out.printf("%-16s %-7s %-16s %-16s %-9s %s%n", "HOST", "ROLE", "ADDRESS", "NODE", "STATUS", "VERSION");
        for (Host host : inventory.hosts()) {
            Optional<NodeStatus> n = Output.nodeOf(nodes, host);
            out.printf("%-16s %-7s %-16s %-16s %-9s %s%n", host.name(),
                    host.role().key() + (host.equals(inventory.bootstrapServer()) ? "*" : ""), host.address(),
                    n.map(NodeStatus::name).orElse(host.effectiveNodeName()), n.map(s -> s.ready() ? "Ready" : "NotReady").orElse("absent"),
                    n.map(NodeStatus::kubeletVersion).orElse(""));
        }
        out.printf("(* bootstrap server)  %d change(s) made, %.1f MiB sent to the hosts%n", plan.lastingChanges().size(),
                bytesSent / 1048576.0);
        out.println("kubeconfig: " + kubeconfigFile + "   (export KUBECONFIG=" + kubeconfigFile + ")");
    }
}
