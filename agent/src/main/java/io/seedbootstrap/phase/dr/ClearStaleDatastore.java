package io.seedbootstrap.phase.dr;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.rke2.Rke2Paths;
import java.util.List;

/**
 * Contract C, multi-server restore: the other servers rejoin the restored cluster only after
 * their old {@code server/db} is gone ("on N2/N3 rm -rf /var/lib/rancher/rke2/server/db/ then
 * start"). New machines have none; a server that is already running (a re-run) is left alone.
 */
public final class ClearStaleDatastore implements Phase {
    private final List<Host> servers;

    public ClearStaleDatastore(Host bootstrap, List<Host> servers) {
        this.servers = servers.stream().filter(h -> !h.equals(bootstrap)).toList();
    }

    @Override
    public String title() {
        return "Clear the old datastore of the other servers (C)";
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !servers.isEmpty();
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(servers, Host::name, host -> {
            Node node = context.node(host);
            if (node.files().exists(Rke2Paths.DATA + "/server/db") && !node.rke2().active()) {
                context.change(host.name(), "remove " + Rke2Paths.DATA + "/server/db (an old datastore; it rejoins the restored one)",
                        () -> node.files().removeTree(Rke2Paths.DATA + "/server/db"));
            }
            return null;
        });
    }
}
