package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.HandoffAction;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap handoff INVENTORY}: adapts options to a {@link HandoffAction.Request} and prints the files. */
@Command(name = "handoff", mixinStandardHelpOptions = true,
        description = {"Write the hand-off to Terraform again (install writes it too): CLUSTER-handoff.json (0600) and the Terraform "
                + "root module CLUSTER-terraform/ beside the kubeconfig. Contacts no host; reads the bundle only when the inventory "
                + "enables platform catalog entries.",
            "No secret is written unless --with-secrets asks (then the Rancher bootstrap password, 0600, and said)."})
final class HandoffCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The seed's kubeconfig; the hand-off goes beside it (default: CLUSTER.kubeconfig beside the inventory).")
    Path kubeconfig;

    @Option(names = "--bundle", paramLabel = "DIR", description = "The offline bundle, for the catalog's names (default: as install).")
    Path bundle;

    @Option(names = "--with-secrets", description = "Also write the Rancher bootstrap password into CLUSTER-terraform/"
            + "secrets.auto.tfvars.json (0600); delete it after terraform apply.")
    boolean withSecrets;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow();
        Inventory inventory = loaded.inventory();
        Path kubeconfigFile = kubeconfigFile(kubeconfig, loaded);
        Path bundleDir = null;
        BundleVerifier.Trust trust = BundleVerifier.Trust.none();
        if (HandoffAction.needsBundle(inventory)) {
            bundleDir = BundleDirectory.resolve(bundle, context.environment(), inventory, file).path();
            String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
            if (pinned == null) {
                throw SeedException.badInput(file + ": bundle.signingKeyFingerprint is not set; the catalog's names are read from the "
                        + "bundle, which must be signed by the key the inventory pins");
            }
            trust = BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + file);
        }
        HandoffAction.Result result = HandoffAction.run(new HandoffAction.Request(inventory, bundleDir, trust, kubeconfigFile, withSecrets,
                Math.max(1, Runtime.getRuntime().availableProcessors())), localRunner("handoff"));
        PrintWriter out = out();
        if (output.json()) {
            ObjectNode root = Json.json().createObjectNode();
            root.put("cluster", inventory.cluster().name());
            root.put("withSecrets", withSecrets);
            ArrayNode files = root.putArray("files");
            result.files().forEach(f -> files.add(f.toString()));
            Output.print(out, Json.json(), root);
            return 0;
        }
        result.files().forEach(f -> out.println(f));
        out.println("The Terraform module has not been applied by seed-bootstrap: review it, then terraform init && terraform apply "
                + "in " + kubeconfigFile.toAbsolutePath().getParent().resolve(inventory.cluster().name() + "-terraform"));
        return 0;
    }
}
