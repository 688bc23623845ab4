package io.seedbootstrap.preflight;

import io.seedbootstrap.bind.Binder;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.Listener;
import io.seedbootstrap.node.NodeProbes;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshFailure;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Read-only preflight: judges every host of an inventory before anything changes and reports
 * every problem at once (issue 5). Nothing here uses picocli; the {@code preflight} command and
 * install's Preflight phase both call it.
 *
 * <h2>API</h2>
 * <pre>{@code
 * Preflight preflight = new Preflight(hosts, progress);          // Hosts: the run's parallelism
 *
 * // install: hosts already connected and probed (NodeProbes.facts) by earlier phases
 * PreflightReport report = preflight.check(inventory, probes, facts);
 * report.requirePassed();                                         // SeedException exit 3 listing every FAIL
 *
 * // the preflight command: connects itself; unreachable hosts and refused logins become rows
 * PreflightReport report = preflight.run(inventory, host -> RemoteHost.connect(SshTarget.of(host, inventory.ssh()), options));
 * }</pre>
 * {@code probes} and {@code facts} are keyed by inventory host name; a host missing from
 * {@code probes} is reported as not reachable, one missing from {@code facts} has its facts
 * gathered here. {@code progress} receives (host or null, message) lines for stderr.
 *
 * <p>What it runs on a host, all read-only: the facts probe, {@code ss -ltnp} as
 * root (which is also the sudo check), TCP connects to the servers, the registration address and
 * every other node's kubelet port, and, on ports to test that are free, short-lived listeners
 * that are always removed ({@link Reachability}). Rows are ordered as the inventory's hosts, then as {@link Check}.
 */
public final class Preflight {

    /** Opens a connection to a host, or throws (an {@link SshFailure} says which check failed). */
    @FunctionalInterface
    public interface Connector {
        RemoteHost connect(Host host);
    }

    private final Hosts hosts;
    private final BiConsumer<String, String> progress;

    public Preflight(Hosts hosts, BiConsumer<String, String> progress) {
        this.hosts = hosts;
        this.progress = progress != null ? progress : (h, m) -> { };
    }

    public Preflight(Hosts hosts) {
        this(hosts, null);
    }

    /**
     * Connects to every host in parallel, checks them, and closes the connections. Hosts that
     * cannot be reached or refuse the login are rows of the report, never an exception.
     *
     * @throws SeedException exit 2 when {@code preflight.skip} names an unknown or unskippable check
     */
    public PreflightReport run(Inventory inventory, Connector connector) {
        skipped(inventory); // bad input fails before any connection
        Map<String, RemoteHost> connected = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        Map<String, NodeProbes> probes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        Map<String, HostProbe.Failure> failures = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        try {
            hosts.parallel(inventory.hosts(), Host::name, host -> {
                try {
                    RemoteHost remote = connector.connect(host);
                    connected.put(host.name(), remote);
                    probes.put(host.name(), NodeProbes.over(remote));
                    progress.accept(host.name(), "connected");
                } catch (RuntimeException e) {
                    failures.put(host.name(), connectFailure(e));
                    progress.accept(host.name(), "cannot connect: " + e.getMessage());
                }
                return null;
            });
            return check(inventory, probes, Map.of(), failures);
        } finally {
            for (RemoteHost remote : connected.values()) {
                try {
                    remote.close();
                } catch (RuntimeException e) {
                    progress.accept(remote.name(), "closing the connection failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Checks hosts that are already connected. {@code facts} may be empty (gathered here) or hold
     * what an earlier phase gathered. Does not close the connections.
     */
    public PreflightReport check(Inventory inventory, Map<String, NodeProbes> connected, Map<String, HostFacts> facts) {
        return check(inventory, connected, facts, Map.of());
    }

    private PreflightReport check(Inventory inventory, Map<String, NodeProbes> connected, Map<String, HostFacts> facts,
            Map<String, HostProbe.Failure> connectFailures) {
        Set<Check> skip = skipped(inventory);
        io.seedbootstrap.inventory.model.Preflight settings = settings(inventory);
        List<HostProbe> probes = new ArrayList<>(hosts.parallel(inventory.hosts(), Host::name,
                host -> probe(host, connected.get(host.name()), facts.get(host.name()), connectFailures.get(host.name()), skip))
                .values());
        List<CheckResult> rows = new ArrayList<>(new HostChecks(inventory, settings).evaluate(probes, skip));
        rows.addAll(new Reachability(inventory, hosts, progress).run(probes, connected, skip));
        for (HostProbe p : probes) {
            if (p.connected()) {
                for (Check c : skip) {
                    rows.add(CheckResult.skipped(p.name(), c, "preflight.skip"));
                }
            }
        }
        List<String> order = inventory.hosts().stream().map(Host::name).toList();
        rows.sort(Comparator.comparing((CheckResult r) -> order.indexOf(r.host())).thenComparing(r -> r.check().ordinal()));
        return new PreflightReport(rows);
    }

    /** Facts and the root probe of one host; never throws, every problem becomes part of the probe. */
    private HostProbe probe(Host host, NodeProbes remote, HostFacts known, HostProbe.Failure failure, Set<Check> skip) {
        if (remote == null) {
            return HostProbe.unreachable(host, failure != null ? failure
                    : new HostProbe.Failure(Check.REACHABLE, "not connected"));
        }
        HostFacts facts = known;
        String factsError = null;
        if (facts == null) {
            try {
                facts = remote.facts();
            } catch (RuntimeException e) {
                factsError = e.getMessage();
            }
        }
        String sudoError = null;
        List<Listener> listeners = null;
        try {
            listeners = remote.listeners();
        } catch (SshFailure e) {
            sudoError = e.kind() == SshFailure.Kind.SUDO ? e.getMessage() : "`" + NodeProbes.ROOT_PROBE + "` as root failed: " + e.getMessage();
        } catch (RuntimeException e) {
            sudoError = "`" + NodeProbes.ROOT_PROBE + "` as root failed: " + e.getMessage();
        }
        return new HostProbe(host, null, facts, factsError, sudoError, listeners);
    }

    /** Which check a failed connection counts against: no TCP/SSH session → reachable; refused credentials or host key → auth. */
    static HostProbe.Failure connectFailure(RuntimeException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        if (e instanceof SshFailure f) {
            return switch (f.kind()) {
                case AUTH, KEY_FILE, HOST_KEY_UNKNOWN, HOST_KEY_CHANGED -> new HostProbe.Failure(Check.AUTH, message);
                default -> new HostProbe.Failure(Check.REACHABLE, message);
            };
        }
        return new HostProbe.Failure(Check.REACHABLE, message);
    }

    /** The inventory's preflight section, or its defaults when there is none. */
    static io.seedbootstrap.inventory.model.Preflight settings(Inventory inventory) {
        io.seedbootstrap.inventory.model.Preflight p = inventory.preflight();
        return p != null ? p : Binder.defaults(io.seedbootstrap.inventory.model.Preflight.class, Path.of(""), Path.of(""));
    }

    static Set<Check> skipped(Inventory inventory) {
        List<String> names = settings(inventory).skip();
        Set<Check> skip = EnumSet.noneOf(Check.class);
        if (names == null) {
            return skip;
        }
        List<String> bad = new ArrayList<>();
        for (String name : names) {
            Check.ofKey(name).filter(Check::skippable).ifPresentOrElse(skip::add, () -> bad.add(name));
        }
        if (!bad.isEmpty()) {
            throw new SeedException(ExitCode.BAD_INPUT, "preflight.skip: cannot skip " + String.join(", ", bad)
                    + "; checks that can be skipped: " + Check.skippableKeys());
        }
        return skip;
    }
}
