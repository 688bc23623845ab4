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
import java.util.List;

/**
 * {@code backup}: an etcd snapshot on the bootstrap server (contract C) and everything a restore
 * onto new machines needs, sealed into one archive on the operator's side. Only the bootstrap
 * server is contacted; its lock keeps an install from changing it meanwhile.
 */
public final class BackupAction {
    public record Request(Inventory inventory, WriteArchive.Target target, SshOptions ssh, HostLock lock, boolean forceUnlock) {}

    private BackupAction() {}

    public static List<Phase> phases(Request request) {
        Host bootstrap = request.inventory().bootstrapServer();
        List<Host> only = List.of(bootstrap);
        return List.of(
                new Connect(only, request.ssh()),
                new GatherFacts(only),
                new TakeLock(only, request.lock(), request.forceUnlock()),
                new SaveSnapshot(bootstrap),
                new WriteArchive(bootstrap, request.target()));
    }
}
