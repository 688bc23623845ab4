package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;

/**
 * Contract A.10 step 2: start the first server (no {@code server} key), wait for its token file
 * and its node Ready. Then the token RKE2 uses must be the PKI's: every later join and a
 * restore depend on it (B.3, C), so a cluster that was started with another token is reported.
 */
public final class StartBootstrapServer implements Phase {
    private final Host bootstrap;

    public StartBootstrapServer(Host bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public String title() {
        return "Start the bootstrap server " + bootstrap.name();
    }

    @Override
    public boolean shouldRun(RunContext context) {
        Node node = context.node(bootstrap);
        return !(JoinNodes.activeAtLock(context, bootstrap) && ClusterNodes.ready(context, node, bootstrap.effectiveNodeName()));
    }

    @Override
    public void run(RunContext context) {
        Node node = context.node(bootstrap);
        Rke2Start.start(context, node, false);
        if (context.dryRun()) {
            return;
        }
        Rke2Start.waitForFile(context, node, Rke2Paths.SERVER_TOKEN);
        Rke2Start.waitReady(context, node, node);
        // the token itself never leaves the host: the two files are compared there
        if (!node.files().sameContent(Rke2Paths.TOKEN_FILE, Rke2Paths.SERVER_TOKEN)) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": RKE2 runs with another server token than the PKI "
                    + "directory's cluster/token; joins and restores with the PKI's token would fail. Was this cluster created by "
                    + "another tool or PKI directory?");
        }
    }
}
