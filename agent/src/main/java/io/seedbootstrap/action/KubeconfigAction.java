package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.install.FetchKubeconfig;
import io.seedbootstrap.ssh.SshOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code kubeconfig}: the admin kubeconfig again, exactly as install writes it (install's own
 * {@link FetchKubeconfig}: 0600, server at the registration address, context named after the
 * cluster). Only the bootstrap server is contacted, and only read.
 */
public final class KubeconfigAction {
    /** @param target where the kubeconfig is written */
    public record Request(Inventory inventory, Path target, SshOptions ssh) {}

    public record Result(Path kubeconfig, ActionRunner.Finished run) {
        /** Whether the file was written (false: it was already up to date). */
        public boolean written() {
            return !run.plan().lastingChanges().isEmpty();
        }
    }

    private KubeconfigAction() {}

    public static Result run(Request request, ActionRunner runner) {
        Inventory inventory = request.inventory();
        ActionRunner.Ran ran = runner.run(inventory, List.of(), lock -> phases(request),
                "kubeconfig of cluster " + inventory.cluster().name() + " from " + inventory.bootstrapServer().name());
        return new Result(request.target(), ran.finished());
    }

    public static List<Phase> phases(Request request) {
        Host bootstrap = request.inventory().bootstrapServer();
        return List.of(
                new Connect(List.of(bootstrap), request.ssh()),
                new FetchKubeconfig(bootstrap, request.target()));
    }
}
