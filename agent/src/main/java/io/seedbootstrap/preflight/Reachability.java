package io.seedbootstrap.preflight;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.node.Listener;
import io.seedbootstrap.node.NodeProbes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Cross-host reachability of the servers' 9345 and 6443 (from every node), their etcd 2379-2380
 * (from the other servers), of the registration address, and of every node's kubelet port 10250
 * (from every other node: A.8 "all ↔ all"), tested from every host with a plain TCP connect.
 *
 * <p>Where a host already listens on a port (a converged cluster), the live service answers.
 * Where the port is free, a temporary listener is started for the test on every host first
 * ({@link NodeProbes#startListeners}), then every host probes. The listeners live exactly as long
 * as the probes: a hold command per host ({@link NodeProbes#holdListeners}) stops them when the
 * probes are done, or when this run's SSH connection closes if it dies first; they are stopped
 * once more in a {@code finally}. (Before, they died after a fixed lifetime guessed from the
 * number of hosts, which a slow start of many hosts could outlast: a false "refused".)
 *
 * <p>Work: one listener start, one hold and one probe command per host, hosts in parallel
 * ({@link Hosts#parallel}, bounded by {@code connections}; the holds on their own threads, since
 * each waits for the whole run); the kubelet check makes N·(N-1) connects in all, a few dozen at
 * a time from one host.
 */
final class Reachability {
    /** What every node needs on every server and through the registration address (contract A.8). */
    static final List<Integer> PORTS = List.of(9345, 6443);
    /** etcd client and peer: servers to servers only (A.8; 2381, metrics, listens on loopback). */
    static final List<Integer> ETCD_PORTS = List.of(2379, 2380);
    /** What a server listens on for the others: both of the above. */
    static final List<Integer> SERVER_PORTS = java.util.stream.Stream.concat(PORTS.stream(), ETCD_PORTS.stream()).toList();
    /** kubelet: every node to every other node (A.8; the API server reaches it for logs and exec, metrics-server scrapes it). */
    static final int KUBELET_PORT = 10250;
    /** Connects one host runs at once (a wave). */
    static final int PROBES_AT_ONCE = NodeProbes.CONNECTS_AT_ONCE;
    static final String MARKER = NodeProbes.LISTENER_MARKER;
    static final int CONNECT_TIMEOUT_SECONDS = NodeProbes.CONNECT_TIMEOUT_SECONDS;
    /**
     * A temporary listener's own {@code timeout}: only for a hold that could not start or a link
     * lost without the host noticing; otherwise its life is the run's ({@link NodeProbes#holdListeners}).
     * Not a bound on the run: the probes of many hosts may take longer than any fixed guess.
     */
    static final int LISTENER_BACKSTOP_SECONDS = 900;
    /** How long the end of the run waits for the holds to stop their listeners before stopping them itself. */
    static final int HOLD_STOP_SECONDS = 30;

    /** How a server's port was made testable. */
    enum PortState { LIVE, TEMPORARY, UNAVAILABLE }

    record ServerPort(PortState state, String note) {}

    enum Outcome { OK, REFUSED, TIMEOUT, ERROR, NOT_TESTED }

    /** @param host the inventory name of the host probed, or null for the registration address */
    record Target(String host, String address, int port) {
        String describe() {
            return (host == null ? "" : host + " ") + address + ":" + port;
        }

        /** The row a probe of this target counts for. */
        Check check() {
            return host == null ? Check.REGISTRATION_ADDRESS : port == KUBELET_PORT ? Check.KUBELET_REACHABLE : Check.SERVER_PORTS_REACHABLE;
        }
    }

    record Probe(Target target, Outcome outcome, String note) {}

    private final Inventory inventory;
    private final Hosts hosts;
    private final BiConsumer<String, String> progress;

    Reachability(Inventory inventory, Hosts hosts, BiConsumer<String, String> progress) {
        this.inventory = inventory;
        this.hosts = hosts;
        this.progress = progress;
    }

    /** The address every node registers with: the one config.yaml's {@code server} uses (NodeConfig). */
    String registrationAddress() {
        return inventory.bootstrapServer() == null && inventory.cluster().registrationAddress() == null ? null
                : io.seedbootstrap.rke2.NodeConfig.registrationAddress(inventory);
    }

    /** Runs the cross-host checks for the connected hosts and returns their rows. */
    List<CheckResult> run(List<HostProbe> probes, Map<String, NodeProbes> connected, Set<Check> skip) {
        boolean servers = !skip.contains(Check.SERVER_PORTS_REACHABLE);
        boolean registration = !skip.contains(Check.REGISTRATION_ADDRESS);
        boolean kubelet = !skip.contains(Check.KUBELET_REACHABLE);
        List<HostProbe> usable = probes.stream().filter(p -> p.connected() && p.facts() != null && connected.containsKey(p.name())).toList();
        if ((!servers && !registration && !kubelet) || usable.isEmpty()) {
            return List.of();
        }
        List<HostProbe> serverProbes = usable.stream().filter(p -> p.host().role() == Role.SERVER).toList();
        Map<HostProbe, Started> started = new LinkedHashMap<>();
        Set<String> stoppedByHold = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService holders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "preflight-listener-hold");
            t.setDaemon(true);
            return t;
        });
        try {
            // registration probes may land on a server through the VIP: its ports must answer then too
            List<HostProbe> listening = kubelet ? usable : serverProbes;
            started.putAll(hosts.parallel(listening, HostProbe::name,
                    p -> start(connected.get(p.name()), p, portsToAnswer(p, servers || registration, kubelet))));
            // every host's listeners live until the last probe is done, however many hosts and rounds that takes
            started.forEach((p, s) -> {
                if (!s.groups().isEmpty()) {
                    holders.execute(() -> {
                        if (hold(connected.get(p.name()), p.name(), s.groups(), release)) {
                            stoppedByHold.add(p.name());
                        }
                    });
                }
            });
            Map<String, Map<Integer, ServerPort>> portStates = new LinkedHashMap<>();
            started.forEach((p, s) -> portStates.put(p.name(), s.ports()));
            Map<HostProbe, List<Probe>> results = hosts.parallel(usable, HostProbe::name,
                    p -> connect(connected.get(p.name()), p, targets(p, usable, servers, registration, kubelet), portStates));
            List<CheckResult> rows = new ArrayList<>();
            for (Map.Entry<HostProbe, List<Probe>> e : results.entrySet()) {
                String h = e.getKey().name();
                for (Check check : List.of(Check.SERVER_PORTS_REACHABLE, Check.REGISTRATION_ADDRESS, Check.KUBELET_REACHABLE)) {
                    if (!skip.contains(check)) {
                        rows.add(judge(h, check, e.getValue().stream().filter(x -> x.target().check() == check).toList()));
                    }
                }
            }
            return rows;
        } finally {
            release.countDown();
            holders.shutdown();
            try {
                holders.awaitTermination(HOLD_STOP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // a host whose hold ran its stop script needs no second command
            started.keySet().removeIf(p -> stoppedByHold.contains(p.name()));
            stopAll(started, connected);
        }
    }

    /**
     * Holds {@code groups} on one host until {@code release}; true when the host then stopped them.
     * A hold that fails leaves them to {@link #stopAll} and the backstop.
     */
    private boolean hold(NodeProbes remote, String host, List<Long> groups, CountDownLatch release) {
        try {
            remote.holdListeners(groups, release, LISTENER_BACKSTOP_SECONDS);
            return true;
        } catch (RuntimeException e) {
            progress.accept(host, "could not tie the temporary listeners to this run (they end when preflight stops them, or after "
                    + LISTENER_BACKSTOP_SECONDS + " s): " + e.getMessage());
            return false;
        }
    }

    /** The ports {@code host} must answer on: a server's own (A.8) and, on every node, the kubelet's. */
    static List<Integer> portsToAnswer(HostProbe host, boolean serverPorts, boolean kubelet) {
        List<Integer> ports = new ArrayList<>();
        if (serverPorts && host.host().role() == Role.SERVER) {
            ports.addAll(SERVER_PORTS);
        }
        if (kubelet) {
            ports.add(KUBELET_PORT);
        }
        return ports;
    }

    /** What {@code source} connects to; every other host's kubelet makes the check all ↔ all. */
    static List<Target> targets(HostProbe source, List<HostProbe> usable, boolean servers, String registrationAddress, boolean kubelet) {
        List<Target> targets = new ArrayList<>();
        for (HostProbe other : usable) {
            if (other.name().equals(source.name())) {
                continue;
            }
            Optional<NodeIp> ip = NodeIp.of(other.host(), other.facts());
            if (ip.isEmpty()) {
                continue;
            }
            if (servers && other.host().role() == Role.SERVER) {
                List<Integer> ports = source.host().role() == Role.SERVER ? SERVER_PORTS : PORTS;
                ports.forEach(port -> targets.add(new Target(other.name(), ip.get().ip(), port)));
            }
            if (kubelet) {
                targets.add(new Target(other.name(), ip.get().ip(), KUBELET_PORT));
            }
        }
        if (registrationAddress != null) {
            PORTS.forEach(port -> targets.add(new Target(null, registrationAddress, port)));
        }
        return targets;
    }

    private List<Target> targets(HostProbe source, List<HostProbe> usable, boolean servers, boolean registration, boolean kubelet) {
        return targets(source, usable, servers, registration ? registrationAddress() : null, kubelet);
    }

    /** What was started on one server: ports → state, and the process groups to kill. */
    record Started(Map<Integer, ServerPort> ports, List<Long> groups) {}

    private Started start(NodeProbes remote, HostProbe server, List<Integer> wanted) {
        HostFacts f = server.facts();
        Set<Integer> listening = server.listeners() != null
                ? server.listeners().stream().map(Listener::port).collect(Collectors.toSet())
                : f.listeningPorts();
        Map<Integer, ServerPort> ports = new LinkedHashMap<>();
        List<Integer> toStart = new ArrayList<>();
        for (int port : wanted) {
            if (listening.contains(port)) {
                ports.put(port, new ServerPort(PortState.LIVE, "live service"));
            } else {
                toStart.add(port);
            }
        }
        List<Long> groups = new ArrayList<>();
        if (toStart.isEmpty()) {
            return new Started(ports, groups);
        }
        String tool = f.hasTool("python3") ? "python3" : f.hasTool("socat") ? "socat" : null;
        if (tool == null || !f.hasTool("timeout") || !f.hasTool("ss")) {
            String why = "no temporary listener possible (needs python3 or socat, timeout and ss on the host)";
            toStart.forEach(port -> ports.put(port, new ServerPort(PortState.UNAVAILABLE, why)));
            return new Started(ports, groups);
        }
        remote.startListeners(tool, toStart, LISTENER_BACKSTOP_SECONDS).forEach((port, listener) -> {
            groups.add(listener.processGroup());
            ports.put(port, listener.bound() ? new ServerPort(PortState.TEMPORARY, "temporary listener")
                    : new ServerPort(PortState.UNAVAILABLE, "the temporary listener did not bind " + port + " within 3 s"));
        });
        for (int port : toStart) {
            ports.putIfAbsent(port, new ServerPort(PortState.UNAVAILABLE, "could not start a temporary listener"));
        }
        progress.accept(server.name(), "temporary listeners on " + toStart + " until the probes are done");
        return new Started(ports, groups);
    }

    private void stopAll(Map<HostProbe, Started> started, Map<String, NodeProbes> connected) {
        List<Map.Entry<HostProbe, Started>> toStop = started.entrySet().stream().filter(e -> !e.getValue().groups().isEmpty()).toList();
        if (toStop.isEmpty()) {
            return;
        }
        try {
            hosts.parallel(toStop, e -> e.getKey().name(), e -> {
                connected.get(e.getKey().name()).stopListeners(e.getValue().groups());
                return null;
            });
        } catch (RuntimeException e) {
            // they die on their own when their timeout ends
            progress.accept(null, "could not stop every temporary listener (they end on their own within seconds): " + e.getMessage());
        }
    }

    private List<Probe> connect(NodeProbes remote, HostProbe source, List<Target> targets, Map<String, Map<Integer, ServerPort>> portStates) {
        List<Probe> probes = new ArrayList<>();
        List<Target> testable = new ArrayList<>();
        for (Target t : targets) {
            ServerPort state = t.host() == null ? null : portStates.getOrDefault(t.host(), Map.of()).get(t.port());
            if (state != null && state.state() == PortState.UNAVAILABLE) {
                probes.add(new Probe(t, Outcome.NOT_TESTED, state.note()));
            } else {
                testable.add(t);
            }
        }
        if (testable.isEmpty()) {
            return probes;
        }
        if (!source.facts().hasTool("bash") || !source.facts().hasTool("timeout")) {
            testable.forEach(t -> probes.add(new Probe(t, Outcome.NOT_TESTED, "bash and timeout are needed on " + source.name())));
            return probes;
        }
        List<NodeProbes.Connect> results = remote.connect(testable.stream().map(t -> new NodeProbes.Endpoint(t.address(), t.port())).toList());
        for (int i = 0; i < testable.size(); i++) {
            probes.add(parseOutcome(testable.get(i), results.get(i)));
        }
        return probes;
    }

    static Probe parseOutcome(Target target, NodeProbes.Connect result) {
        if (result == null) {
            return new Probe(target, Outcome.ERROR, "no answer from the probe");
        }
        int code = result.exitCode();
        String error = result.error().replaceFirst("^.*: ", "");
        if (code == 0) {
            return new Probe(target, Outcome.OK, "");
        }
        if (code == 124) {
            return new Probe(target, Outcome.TIMEOUT, "no answer within " + CONNECT_TIMEOUT_SECONDS + " s, tried "
                    + NodeProbes.CONNECT_ATTEMPTS + " times");
        }
        if (error.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
            return new Probe(target, Outcome.REFUSED, "connection refused");
        }
        return new Probe(target, Outcome.ERROR, error.isEmpty() ? "exit " + code : error);
    }

    /** One row per source host and check: every failed target named, with what to do. */
    static CheckResult judge(String host, Check check, List<Probe> probes) {
        if (probes.isEmpty()) {
            return CheckResult.pass(host, check, switch (check) {
                case SERVER_PORTS_REACHABLE -> "no other server to reach";
                case KUBELET_REACHABLE -> "no other node to reach";
                default -> "no address to test";
            });
        }
        List<Probe> bad = probes.stream().filter(p -> p.outcome() == Outcome.REFUSED || p.outcome() == Outcome.TIMEOUT
                || p.outcome() == Outcome.ERROR).toList();
        List<Probe> untested = probes.stream().filter(p -> p.outcome() == Outcome.NOT_TESTED).toList();
        String ok = probes.stream().filter(p -> p.outcome() == Outcome.OK).map(p -> p.target().describe()).collect(Collectors.joining(", "));
        if (!bad.isEmpty()) {
            String what = bad.stream().map(p -> p.target().describe() + " (" + p.note() + ")").collect(Collectors.joining(", "));
            if (check == Check.KUBELET_REACHABLE) {
                String targets = bad.stream().map(p -> p.target().host()).distinct().collect(Collectors.joining(", "));
                return CheckResult.fail(host, check, host + " cannot reach the kubelet port of " + what + ": open " + KUBELET_PORT
                        + "/tcp on " + targets + " to every node of the cluster (firewall, security groups; contract A.8: all to all, "
                        + "the API server reaches kubelets for logs and exec)");
            }
            String advice = check == Check.REGISTRATION_ADDRESS
                    ? "check that cluster.registrationAddress is right and its load balancer/VIP forwards 9345 and 6443 to the servers"
                    : "open 9345 and 6443/tcp on the servers to every node, and 2379-2380/tcp between the servers (firewall, "
                            + "security groups; contract A.8)";
            return CheckResult.fail(host, check, "cannot reach " + what + ": " + advice);
        }
        if (!untested.isEmpty()) {
            String what = untested.stream().map(p -> p.target().describe() + " (" + p.note() + ")").collect(Collectors.joining(", "));
            return CheckResult.warn(host, check, "not tested: " + what + (ok.isEmpty() ? "" : "; reached " + ok));
        }
        return CheckResult.pass(host, check, "reached " + ok);
    }
}
