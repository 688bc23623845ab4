package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.common.TakeLock;
import io.seedbootstrap.phase.reset.CheckBackup;
import io.seedbootstrap.phase.reset.ResetHosts;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reset}: every host of the inventory back to before install (uninstall script, our
 * state folder). The backup check comes first, before any host is contacted, unless the
 * operator said --no-backup; the confirmation is the command's job.
 *
 * @param backup null with --no-backup
 */
public final class ResetAction {
    public record Request(Inventory inventory, Path backup, Secret passphrase, Duration maxBackupAge, SshOptions ssh,
            boolean forceUnlock) {}

    private ResetAction() {}

    /** Runs the reset on {@code runner}; throws (after the clean-ups) when a phase fails. */
    public static ActionRunner.Finished run(Request request, ActionRunner runner) {
        Inventory inventory = request.inventory();
        return runner.run(inventory, List.of(request.passphrase()), lock -> phases(request, lock),
                "reset of cluster " + inventory.cluster().name() + " on " + inventory.hosts().size() + " host(s)").finished();
    }

    /** @param lock this process's, from the {@link ActionRunner} */
    public static List<Phase> phases(Request request, HostLock lock) {
        List<Host> hosts = request.inventory().hosts();
        List<Phase> phases = new ArrayList<>();
        if (request.backup() != null) {
            phases.add(new CheckBackup(request.backup(), request.passphrase(), request.maxBackupAge()));
        }
        phases.addAll(List.of(
                new Connect(hosts, request.ssh()),
                new GatherFacts(hosts),
                new TakeLock(hosts, lock, request.forceUnlock()),
                new ResetHosts(hosts)));
        return List.copyOf(phases);
    }
}
