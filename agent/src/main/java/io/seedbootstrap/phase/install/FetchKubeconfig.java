package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Kubeconfig;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Brings the admin kubeconfig to the operator: server rewritten to the registration address, 0600, context named after the cluster. */
public final class FetchKubeconfig implements Phase {
    private final Host bootstrap;
    private final Path target;

    public FetchKubeconfig(Host bootstrap, Path target) {
        this.bootstrap = bootstrap;
        this.target = target;
    }

    @Override
    public String title() {
        return "Fetch the kubeconfig";
    }

    @Override
    public void run(RunContext context) {
        String cluster = context.inventory().cluster().name();
        String address = NodeConfig.registrationAddress(context.inventory());
        String description = "write " + target + " (0600; context " + cluster + ", server https://" + address + ":" + NodeConfig.API_PORT + ")";
        if (context.dryRun()) {
            context.change(RunContext.OPERATOR, description, () -> { });
            return;
        }
        String rke2Yaml = context.node(bootstrap).files().read(Rke2Paths.ADMIN_KUBECONFIG);
        String kubeconfig = Kubeconfig.forOperator(rke2Yaml, cluster, address);
        if (Files.exists(target) && readQuietly(target).equals(kubeconfig)) {
            context.reporter().debug(null, target + " is up to date");
            return;
        }
        context.change(RunContext.OPERATOR, description, () -> writePrivate(target, kubeconfig));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** 0600 from the first byte: created under that mode in the same folder, then renamed over the target. */
    static void writePrivate(Path target, String content) {
        try {
            PrivateFiles.writeString(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
