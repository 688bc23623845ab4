package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
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
        var remote = context.host(bootstrap.name());
        return !(Rke2Service.active(remote, "rke2-server") && Rke2Service.ready(remote, bootstrap.effectiveNodeName()));
    }

    @Override
    public void run(RunContext context) {
        Rke2Service.start(context, bootstrap);
        if (context.dryRun()) {
            return;
        }
        Rke2Service.waitForFile(context, bootstrap, Rke2Paths.SERVER_TOKEN);
        Rke2Service.waitReady(context, context.host(bootstrap.name()), bootstrap);
        checkToken(context);
    }

    /** Compares the two files on the host; the token itself never leaves it. */
    private void checkToken(RunContext context) {
        boolean same = context.host(bootstrap.name()).exec(RemoteCommand.shell(
                "[ \"$(cat " + Rke2Paths.TOKEN_FILE + ")\" = \"$(cat " + Rke2Paths.SERVER_TOKEN + ")\" ]", "compare the server token with the PKI's")
                .asRoot().allowFailure()).ok();
        if (!same) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": RKE2 runs with another server token than the PKI "
                    + "directory's cluster/token; joins and restores with the PKI's token would fail. Was this cluster created by "
                    + "another tool or PKI directory?");
        }
    }
}
