package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.dr.SaveSnapshot;
import io.seedbootstrap.phase.dr.WriteArchive;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import java.util.List;

/**
 * {@code backup}: an etcd snapshot on the bootstrap server (contract C) and everything a restore
 * onto new machines needs, sealed into one archive on the operator's side. Only the bootstrap
 * server is contacted; its lock keeps an install from changing it meanwhile.
 */
public final class BackupAction {
    public record Request(Inventory inventory, WriteArchive.Target target, SshOptions ssh, boolean forceUnlock) {}

    private BackupAction() {}

    /** Runs the backup on {@code runner}; throws (after the clean-ups) when a phase fails. */
    public static ActionRunner.Finished run(Request request, ActionRunner runner, List<Secret> secrets) {
        Inventory inventory = request.inventory();
        return runner.run(inventory, secrets, lock -> phases(request, lock),
                "backup of cluster " + inventory.cluster().name() + " from " + inventory.bootstrapServer().name()).finished();
    }

    /** @param lock this process's, from the {@link ActionRunner} */
    public static List<Phase> phases(Request request, HostLock lock) {
        Host bootstrap = request.inventory().bootstrapServer();
        List<Host> only = List.of(bootstrap);
        return List.of(
                new Connect(only, request.ssh()),
                new GatherFacts(only),
                new TakeLock(only, lock, request.forceUnlock()),
                new SaveSnapshot(bootstrap),
                new WriteArchive(bootstrap, request.target()));
    }
}
