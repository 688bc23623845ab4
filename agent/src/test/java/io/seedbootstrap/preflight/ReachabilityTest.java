package io.seedbootstrap.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.Listener;
import io.seedbootstrap.node.NodeProbes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Reachability} against fake hosts that answer its scripts: which ports listen where, what is probed, the rows. */
class ReachabilityTest {
    @TempDir
    Path tmp;

    /**
     * A host that binds every listener it is asked for and answers connects as {@code refused}
     * says; it records the ports it listened on, the targets it probed and the listeners stopped.
     */
    private static class FakeHost implements NodeProbes {
        final Predicate<Reachability.Target> refused;
        final List<Integer> listened = Collections.synchronizedList(new ArrayList<>());
        final List<String> probed = Collections.synchronizedList(new ArrayList<>());
        final List<Long> stopped = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> lifetimes = Collections.synchronizedList(new ArrayList<>());

        FakeHost(Predicate<Reachability.Target> refused) {
            this.refused = refused;
        }

        @Override
        public HostFacts facts() {
            throw new UnsupportedOperationException("the test gives the facts");
        }

        @Override
        public List<Listener> listeners() {
            throw new UnsupportedOperationException("the test gives the listeners");
        }

        @Override
        public Map<Integer, Started> startListeners(String tool, List<Integer> ports, int lifetimeSeconds) {
            lifetimes.add(lifetimeSeconds);
            Map<Integer, Started> started = new LinkedHashMap<>();
            long pid = 100;
            for (int port : ports) {
                listened.add(port);
                started.put(port, new Started(pid++, true));
            }
            return started;
        }

        @Override
        public void stopListeners(List<Long> processGroups) {
            stopped.addAll(processGroups);
        }

        @Override
        public void holdListeners(List<Long> processGroups, CountDownLatch release, int backstopSeconds) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            stopped.addAll(processGroups);
        }

        @Override
        public List<Connect> connect(List<Endpoint> endpoints) {
            List<Connect> results = new ArrayList<>();
            for (Endpoint e : endpoints) {
                probed.add(e.address() + ":" + e.port());
                results.add(refused.test(new Reachability.Target(null, e.address(), e.port()))
                        ? new Connect(1, "bash: line 1: connect: Connection refused") : new Connect(0, ""));
            }
            return results;
        }
    }

    private record Run(List<CheckResult> rows, Map<String, FakeHost> hosts) {
        CheckResult row(String host, Check check) {
            return rows.stream().filter(r -> r.host().equals(host) && r.check() == check).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + host + " " + check.key() + " in " + rows));
        }
    }

    /** Two servers and an agent (10.0.0.11-13, registration address 10.0.0.100) behind fake hosts. */
    private Run run(Predicate<Reachability.Target> refused, Set<Check> skip, Map<String, List<Listener>> listeners) {
        return run(skip, listeners, h -> new FakeHost(refused));
    }

    private Run run(Set<Check> skip, Map<String, List<Listener>> listeners, java.util.function.Function<Host, FakeHost> fake) {
        Inventory inventory = Fakes.inventory(tmp, null, null);
        List<HostProbe> probes = new ArrayList<>();
        Map<String, FakeHost> fakes = new LinkedHashMap<>();
        for (Host h : inventory.hosts()) {
            probes.add(new HostProbe(h, null, Fakes.facts(h.name(), h.address()), null, null, listeners.getOrDefault(h.name(), List.of())));
            fakes.put(h.name(), fake.apply(h));
        }
        List<CheckResult> rows = new Reachability(inventory, new Hosts(Hosts.Limits.defaults()), (h, m) -> { })
                .run(probes, Map.copyOf(fakes), skip);
        return new Run(rows, fakes);
    }

    @Test
    void everyNodeProbesEveryOtherNodesKubeletAndFreeKubeletPortsGetATemporaryListener() {
        Run r = run(t -> false, EnumSet.noneOf(Check.class), Map.of());
        // all ↔ all: N·(N-1) kubelet connects, none to itself
        long kubelet = r.hosts().values().stream().flatMap(h -> h.probed.stream()).filter(p -> p.endsWith(":10250")).count();
        assertEquals(3 * 2, kubelet);
        assertEquals(List.of("10.0.0.11:10250", "10.0.0.12:10250"),
                r.hosts().get("a1").probed.stream().filter(p -> p.endsWith(":10250")).sorted().toList());
        // the agent answers on its kubelet port only; servers on theirs and 10250
        assertEquals(List.of(10250), r.hosts().get("a1").listened);
        assertEquals(List.of(9345, 6443, 2379, 2380, 10250), r.hosts().get("s1").listened);
        for (String h : List.of("s1", "s2", "a1")) {
            CheckResult row = r.row(h, Check.KUBELET_REACHABLE);
            assertEquals(Result.PASS, row.result(), row.detail());
            assertTrue(r.hosts().get(h).stopped.contains(100L), "listeners on " + h + " not stopped");
        }
        assertEquals("reached s1 10.0.0.11:10250, s2 10.0.0.12:10250", r.row("a1", Check.KUBELET_REACHABLE).detail());
    }

    /**
     * Hosts on a fake clock where every probe command takes 20 s (a loaded host, many hosts in
     * rounds): a temporary listener answers while it is held or within the lifetime it was started
     * with. Before listeners were held for the run, they got a lifetime guessed from the number of
     * hosts (27 s here) and the later probes found them gone: a false "refused".
     */
    @Test
    void temporaryListenersAnswerUntilTheLastProbeHoweverLongTheProbesTake() {
        AtomicLong clock = new AtomicLong();
        Map<String, FakeHost> byAddress = new java.util.concurrent.ConcurrentHashMap<>();
        class SlowHost extends FakeHost {
            volatile long deadline;
            volatile boolean held;

            SlowHost() {
                super(t -> false);
            }

            @Override
            public Map<Integer, Started> startListeners(String tool, List<Integer> ports, int lifetimeSeconds) {
                deadline = clock.get() + lifetimeSeconds;
                return super.startListeners(tool, ports, lifetimeSeconds);
            }

            @Override
            public void holdListeners(List<Long> processGroups, CountDownLatch release, int backstopSeconds) {
                held = true;
                super.holdListeners(processGroups, release, backstopSeconds);
                held = false;
            }

            boolean answers() {
                return stopped.isEmpty() && (held || clock.get() < deadline);
            }

            @Override
            public List<Connect> connect(List<Endpoint> endpoints) {
                List<Connect> results = new ArrayList<>();
                for (Endpoint e : endpoints) {
                    probed.add(e.address() + ":" + e.port());
                    FakeHost target = byAddress.get(e.address());
                    boolean up = target instanceof SlowHost slow && slow.answers();
                    results.add(up ? new Connect(0, "") : new Connect(1, "bash: line 1: connect: Connection refused"));
                }
                clock.addAndGet(20);
                return results;
            }
        }
        Run r = run(EnumSet.of(Check.REGISTRATION_ADDRESS), Map.of(), h -> {
            SlowHost host = new SlowHost();
            byAddress.put(h.address(), host);
            return host;
        });
        assertTrue(clock.get() >= 60, "the probes took " + clock.get() + " s of the fake clock");
        for (String h : List.of("s1", "s2", "a1")) {
            for (Check check : List.of(Check.SERVER_PORTS_REACHABLE, Check.KUBELET_REACHABLE)) {
                CheckResult row = r.row(h, check);
                assertEquals(Result.PASS, row.result(), h + " " + check.key() + ": " + row.detail());
            }
            // stopped once the probes were done, by the hold
            assertTrue(r.hosts().get(h).stopped.contains(100L), "listeners on " + h + " not stopped");
        }
    }

    @Test
    void aBlockedKubeletPortFailsOnEverySourceNamingSourceTargetPortAndWhatToOpen() {
        Run r = run(t -> t.address().equals("10.0.0.13") && t.port() == 10250, EnumSet.noneOf(Check.class), Map.of());
        for (String source : List.of("s1", "s2")) {
            CheckResult row = r.row(source, Check.KUBELET_REACHABLE);
            assertEquals(Result.FAIL, row.result(), row.detail());
            assertTrue(row.detail().startsWith(source + " cannot reach the kubelet port of a1 10.0.0.13:10250 (connection refused): "
                    + "open 10250/tcp on a1 to every node"), row.detail());
            assertTrue(row.detail().contains("firewall"), row.detail());
            // the servers' own ports are a different row, and they passed
            assertEquals(Result.PASS, r.row(source, Check.SERVER_PORTS_REACHABLE).result());
        }
        assertEquals(Result.PASS, r.row("a1", Check.KUBELET_REACHABLE).result());
    }

    @Test
    void aLiveKubeletAnswersItselfAndASkippedCheckProbesNothing() {
        // a converged cluster: the kubelet holds 10250 on a1, so no temporary listener there
        Run live = run(t -> false, EnumSet.noneOf(Check.class), Map.of("a1", List.of(new Listener("*", 10250, "kubelet", 7))));
        assertEquals(List.of(), live.hosts().get("a1").listened);
        assertEquals(Result.PASS, live.row("s1", Check.KUBELET_REACHABLE).result());

        Run skipped = run(t -> true, EnumSet.of(Check.KUBELET_REACHABLE), Map.of());
        assertTrue(skipped.rows().stream().noneMatch(x -> x.check() == Check.KUBELET_REACHABLE), skipped.rows().toString());
        assertTrue(skipped.hosts().values().stream().flatMap(h -> h.probed.stream()).noneMatch(p -> p.endsWith(":10250")));
        assertEquals(List.of(), skipped.hosts().get("a1").listened, "nothing to answer on an agent without the kubelet check");
    }
}
