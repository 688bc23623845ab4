package io.seedbootstrap.cli;

import io.seedbootstrap.action.ActionRunner;
import io.seedbootstrap.action.KubeconfigAction;
import io.seedbootstrap.inventory.LoadedInventory;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap kubeconfig inventory.yaml [--out FILE]}: the admin kubeconfig again, as install writes it. */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
        description = "Fetch the admin kubeconfig from the bootstrap server again and write it as install does: 0600, server at the "
                + "registration address, cluster, user and context named after the cluster. Nothing on the hosts changes.")
public final class KubeconfigCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write it (0600; default: CLUSTER.kubeconfig beside the inventory, where install writes it).")
    Path target;

    @Mixin
    HostKeyOption hostKeys;

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow();
        Path file = kubeconfigFile(target, loaded);
        KubeconfigAction.Result result = KubeconfigAction.run(new KubeconfigAction.Request(loaded.inventory(), file,
                hostKeys.ssh()),
                new ActionRunner(new ActionRunner.Settings("kubeconfig", false, null, java.time.Duration.ZERO,
                        RootCommand.isVerbose(spec.commandLine()), err(), context.environment(), context.home(), false)));
        out().println("kubeconfig: " + result.kubeconfig() + (result.written() ? "" : " (already up to date)")
                + "   (export KUBECONFIG=" + result.kubeconfig() + ")");
        out().flush();
        return 0;
    }
}
