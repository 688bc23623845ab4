package io.seedbootstrap.phase.dr;

import static io.seedbootstrap.support.ShellQuote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.install.Rke2Service;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;

/**
 * Contract C: an on-demand snapshot on the bootstrap server with {@code rke2 etcd-snapshot save
 * --name seed-bootstrap-RUN}, found again through {@code etcd-snapshot ls --output json} (so a
 * configured etcd-snapshot-dir is honoured). The snapshot stays on the host beside the scheduled
 * ones; on-demand snapshots are not pruned by the retention (C), so backup keeps the newest
 * {@value #KEEP} of its own and deletes older ones ({@code rke2 etcd-snapshot delete}).
 */
public final class SaveSnapshot implements Phase {
    /** Where the snapshot is on the host, its size, and the RKE2 version that wrote it. */
    public record Snapshot(String path, String name, long size, String rke2Version) {}

    public static final RunState.Key<Snapshot> SNAPSHOT = RunState.Key.of("snapshot", Snapshot.class);

    /** seed-bootstrap snapshots kept on the host (the archives hold every one that was taken). */
    static final int KEEP = 3;
    private static final String PREFIX = "seed-bootstrap-";

    private final Host bootstrap;

    public SaveSnapshot(Host bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public String title() {
        return "Save an etcd snapshot on " + bootstrap.name() + " (C)";
    }

    @Override
    public void run(RunContext context) {
        RemoteHost remote = context.host(bootstrap.name());
        HostFacts facts = context.state().get(bootstrap.name(), GatherFacts.FACTS);
        if (!facts.rke2Installed() || !Rke2Service.active(remote, "rke2-server")) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": rke2-server does not run here, so there is no "
                    + "datastore to back up (the bootstrap server of the inventory must be the running first server)");
        }
        String version = facts.installedRke2Version().orElse(context.inventory().cluster().rke2Version());
        String rke2 = facts.tarPrefix() + "/bin/rke2";
        String name = PREFIX + context.options().runId().replace('.', '-');
        context.change(bootstrap.name(), "save etcd snapshot " + name + " (rke2 etcd-snapshot save)", () -> {
            remote.exec(RemoteCommand.shell(rke2 + " etcd-snapshot save --name " + quote(name)).asRoot().timeout(context.options().waitTimeout()));
            context.state().put(null, SNAPSHOT, find(remote, rke2, name, version));
        });
        pruneOlder(context, remote, rke2); // in a dry run too: the plan shows what would be deleted
    }

    /** Deletes this tool's on-demand snapshots beyond the newest {@value #KEEP} (names sort by run time). */
    private void pruneOlder(RunContext context, RemoteHost remote, String rke2) {
        String json = remote.exec(RemoteCommand.shell(rke2 + " etcd-snapshot ls --output json").asRoot()).stdout();
        java.util.List<String> ours = new java.util.ArrayList<>();
        JsonNode items;
        try {
            items = new ObjectMapper().readTree(json).path("items");
        } catch (IOException e) {
            context.reporter().warn(bootstrap.name(), "older snapshots not pruned: `etcd-snapshot ls` printed no JSON");
            return;
        }
        for (JsonNode item : items) {
            String snapshotName = item.path("spec").path("snapshotName").asText();
            if (snapshotName.startsWith(PREFIX)) {
                ours.add(snapshotName);
            }
        }
        java.util.Collections.sort(ours);
        // a dry run has not saved its own snapshot: one fewer of the existing ones stays
        int keep = context.dryRun() ? KEEP - 1 : KEEP;
        java.util.List<String> older = ours.subList(0, Math.max(0, ours.size() - keep));
        if (older.isEmpty()) {
            return;
        }
        String names = String.join(" ", older.stream().map(io.seedbootstrap.support.ShellQuote::quote).toList());
        context.change(bootstrap.name(), "delete " + older.size() + " older seed-bootstrap snapshot(s), keeping the newest " + KEEP,
                () -> remote.exec(RemoteCommand.shell(rke2 + " etcd-snapshot delete " + names).asRoot()));
    }

    private Snapshot find(RemoteHost remote, String rke2, String name, String version) throws IOException {
        String json = remote.exec(RemoteCommand.shell(rke2 + " etcd-snapshot ls --output json").asRoot()).stdout();
        JsonNode items = new ObjectMapper().readTree(json).path("items");
        for (JsonNode item : items) {
            String snapshotName = item.path("spec").path("snapshotName").asText();
            String location = item.path("spec").path("location").asText();
            if (snapshotName.startsWith(name + "-") && location.startsWith("file://")) {
                String path = location.substring("file://".length());
                long size = Long.parseLong(remote.exec(RemoteCommand.shell("stat -c %s " + quote(path)).asRoot()).stdout().strip());
                return new Snapshot(path, snapshotName, size, version);
            }
        }
        throw new SeedException(ExitCode.FAILED, bootstrap.name() + ": `rke2 etcd-snapshot ls` does not list the snapshot " + name
                + " just saved");
    }
}
