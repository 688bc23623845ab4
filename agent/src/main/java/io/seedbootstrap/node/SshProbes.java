package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@link NodeProbes} over SSH. */
final class SshProbes implements NodeProbes {
    private final RemoteHost remote;
    /** The listeners the last facts probe read, until {@link #listeners} takes them. */
    private final java.util.concurrent.atomic.AtomicReference<List<Listener>> listenersWithFacts = new java.util.concurrent.atomic.AtomicReference<>();

    SshProbes(RemoteHost remote) {
        this.remote = remote;
    }

    @Override
    public HostFacts facts() {
        return facts(Look.NOTHING).facts();
    }

    @Override
    public Looked facts(Look look) {
        FactsProbe.Gathered gathered = FactsProbe.gather(remote, look);
        listenersWithFacts.set(gathered.listeners());
        return gathered.looked();
    }

    /**
     * Right after {@link #facts}: the {@code ss -ltnp} that ran as root inside the facts command
     * (that it ran at all is the sudo check), once; preflight then needs no second root command
     * per host (issue 22, P3). Otherwise (ss failed there, no facts yet, or a second call) the
     * root probe runs.
     */
    @Override
    public List<Listener> listeners() {
        List<Listener> known = listenersWithFacts.getAndSet(null);
        return known != null ? known : RootProbe.run(remote);
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
    public void holdListeners(List<Long> processGroups, CountDownLatch release, int backstopSeconds) {
        // stdin stays open while writeTo blocks; once it returns the channel's stdin is closed
        RemoteCommand.Stdin untilReleased = new RemoteCommand.Stdin() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // the link died (SshRemoteHost interrupts writers) or the run is ending
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("released by interrupt");
                }
            }

            @Override
            public String toString() {
                return "nothing until preflight's probes are done";
            }
        };
        remote.exec(RemoteCommand.shell(PortProbes.holdScript(processGroups), "hold temporary listeners " + processGroups
                + " until preflight's probes are done").stdin(untilReleased).allowFailure().timeout(Duration.ofSeconds(backstopSeconds)));
    }

    @Override
    public List<Connect> connect(List<Endpoint> endpoints) {
        String out = remote.exec(RemoteCommand.shell(PortProbes.connectScript(endpoints), "test TCP connections to " + endpoints.size()
                + " port(s) of other hosts (preflight)").allowFailure()
                .timeout(Duration.ofSeconds(PortProbes.waveSeconds() * (PortProbes.waves(endpoints.size()) + 3L) + 10))).stdout();
        return PortProbes.parseConnects(out, endpoints.size());
    }
}
