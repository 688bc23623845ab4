package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@link NodeProbes} over SSH. */
final class SshProbes implements NodeProbes {
    private final RemoteHost remote;

    SshProbes(RemoteHost remote) {
        this.remote = remote;
    }

    @Override
    public HostFacts facts() {
        return FactsProbe.gather(remote);
    }

    @Override
    public List<Listener> listeners() {
        return RootProbe.run(remote);
    }

    @Override
    public Map<Integer, Started> startListeners(String tool, List<Integer> ports, int lifetimeSeconds) {
        String out = remote.exec(RemoteCommand.shell(PortProbes.startScript(tool, ports, lifetimeSeconds),
                "start temporary listeners on " + ports + " for " + lifetimeSeconds + " s (preflight)")
                .allowFailure().timeout(Duration.ofSeconds(30))).stdout();
        return PortProbes.parseStarted(out);
    }

    @Override
    public void stopListeners(List<Long> processGroups) {
        remote.exec(RemoteCommand.shell(PortProbes.stopScript(processGroups), "stop temporary listeners (preflight)")
                .timeout(Duration.ofSeconds(30)));
    }

    @Override
    public List<Connect> connect(List<Endpoint> endpoints) {
        String out = remote.exec(RemoteCommand.shell(PortProbes.connectScript(endpoints), "test TCP connections to " + endpoints.size()
                + " port(s) of other hosts (preflight)").allowFailure()
                .timeout(Duration.ofSeconds(PortProbes.waveSeconds() * (PortProbes.waves(endpoints.size()) + 3L) + 10))).stdout();
        return PortProbes.parseConnects(out, endpoints.size());
    }
}
