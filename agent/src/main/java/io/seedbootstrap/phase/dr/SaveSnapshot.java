package io.seedbootstrap.phase.dr;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.Rke2Service;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
        Node node = context.node(bootstrap);
        HostFacts facts = context.state().get(bootstrap.name(), GatherFacts.FACTS);
        if (!facts.rke2Installed() || !node.rke2().active()) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": rke2-server does not run here, so there is no "
                    + "datastore to back up (the bootstrap server of the inventory must be the running first server)");
        }
        String version = facts.installedRke2Version().orElse(context.inventory().cluster().rke2Version());
        String name = PREFIX + context.options().runId().replace('.', '-');
        context.change(bootstrap.name(), "save etcd snapshot " + name + " (rke2 etcd-snapshot save)", () -> {
            node.rke2().saveSnapshot(name, context.options().waitTimeout());
            context.state().put(null, SNAPSHOT, find(node, name, version));
        });
        pruneOlder(context, node); // in a dry run too: the plan shows what would be deleted
    }

    /** Deletes this tool's on-demand snapshots beyond the newest {@value #KEEP} (names sort by run time). */
    private void pruneOlder(RunContext context, Node node) {
        List<String> ours = new ArrayList<>();
        try {
            for (Rke2Service.Snapshot snapshot : node.rke2().snapshots()) {
                if (snapshot.name().startsWith(PREFIX)) {
                    ours.add(snapshot.name());
                }
            }
        } catch (UncheckedIOException e) {
            context.reporter().warn(bootstrap.name(), "older snapshots not pruned: `etcd-snapshot ls` printed no JSON");
            return;
        }
        Collections.sort(ours);
        // a dry run has not saved its own snapshot: one fewer of the existing ones stays
        int keep = context.dryRun() ? KEEP - 1 : KEEP;
        List<String> older = ours.subList(0, Math.max(0, ours.size() - keep));
        if (older.isEmpty()) {
            return;
        }
        context.change(bootstrap.name(), "delete " + older.size() + " older seed-bootstrap snapshot(s), keeping the newest " + KEEP,
                () -> node.rke2().deleteSnapshots(List.copyOf(older)));
    }

    private Snapshot find(Node node, String name, String version) {
        for (Rke2Service.Snapshot snapshot : node.rke2().snapshots()) {
            if (snapshot.name().startsWith(name + "-") && snapshot.location().startsWith("file://")) {
                String path = snapshot.location().substring("file://".length());
                return new Snapshot(path, snapshot.name(), node.files().size(path), version);
            }
        }
        throw new SeedException(ExitCode.FAILED, bootstrap.name() + ": `rke2 etcd-snapshot ls` does not list the snapshot " + name
                + " just saved");
    }
}
