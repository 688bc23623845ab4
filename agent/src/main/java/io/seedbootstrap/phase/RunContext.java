package io.seedbootstrap.phase;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of an action shares: its options, the inventory, the nodes (one per
 * connected host), the plan of changes, progress output and what phases learned. One per run; no
 * static state.
 */
public final class RunContext {
    /** The host name plans use for changes on the operator's own machine (the kubeconfig, the PKI directory, an archive). */
    public static final String OPERATOR = "operator";

    /** A change on a host. */
    @FunctionalInterface
    public interface Change {
        void apply() throws Exception;
    }

    private final RunOptions options;
    private final Inventory inventory;
    private final Hosts hosts;
    private final Reporter reporter;
    private final Plan plan = new Plan();
    private final RunState state = new RunState();
    private final Map<String, Node> nodes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String currentPhase = "";

    public RunContext(RunOptions options, Inventory inventory, Hosts hosts, Reporter reporter) {
        this.options = options;
        this.inventory = inventory;
        this.hosts = hosts;
        this.reporter = reporter;
    }

    public boolean dryRun() {
        return options.dryRun();
    }

    public RunOptions options() {
        return options;
    }

    public Inventory inventory() {
        return inventory;
    }

    public Hosts hosts() {
        return hosts;
    }

    public Reporter reporter() {
        return reporter;
    }

    public Plan plan() {
        return plan;
    }

    public RunState state() {
        return state;
    }

    void enterPhase(String title) {
        currentPhase = title;
    }

    /**
     * The one door for every change on a host. In a dry run the change is recorded and not
     * made; in a real run it is made, then recorded as done (or failed, and rethrown).
     */
    public void change(String host, String description, Change change) {
        record(List.of(host), description, change, true);
    }

    /**
     * One change that lands on several hosts at once (a file relayed between them): recorded
     * per host, made once.
     */
    public void change(Collection<String> hosts, String description, Change change) {
        record(List.copyOf(hosts), description, change, true);
    }

    /**
     * The same door for the run's own bookkeeping on a host that the run removes again before it
     * ends (the host lock): recorded and dry-run aware, but not a lasting change of the host.
     */
    public void bookkeeping(String host, String description, Change change) {
        record(List.of(host), description, change, false);
    }

    private void record(List<String> hosts, String description, Change change, boolean lasting) {
        if (dryRun()) {
            for (String host : hosts) {
                plan.add(new PlannedChange(host, currentPhase, description, PlannedChange.Status.PLANNED, lasting));
                reporter.debug(host, "would " + description);
            }
            return;
        }
        hosts.forEach(host -> reporter.debug(host, description));
        try {
            change.apply();
            hosts.forEach(host -> plan.add(new PlannedChange(host, currentPhase, description, PlannedChange.Status.DONE, lasting)));
        } catch (Exception e) {
            hosts.forEach(host -> plan.add(new PlannedChange(host, currentPhase, description, PlannedChange.Status.FAILED, lasting)));
            if (e instanceof SeedException seed) {
                throw seed;
            }
            throw new SeedException(ExitCode.FAILED, String.join(", ", hosts) + ": " + description + " failed: " + e.getMessage(), e);
        }
    }

    /** A host the run is connected to (the Connect phase adds them; tests add in-memory nodes). */
    public void addNode(Node node) {
        nodes.put(node.name(), node);
    }

    /** The node of a connected host. */
    public Node node(String name) {
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalStateException("no connection to " + name + ": the Connect phase must run first");
        }
        return node;
    }

    public Node node(io.seedbootstrap.inventory.model.Host host) {
        return node(host.name());
    }

    public Collection<String> connectedHosts() {
        synchronized (nodes) {
            return List.copyOf(nodes.keySet());
        }
    }

    /** Closes every connection (the runner calls it once, at the end). */
    void closeConnections() {
        List<Node> open;
        synchronized (nodes) {
            open = new ArrayList<>(nodes.values());
            nodes.clear();
        }
        for (Node node : open) {
            try {
                node.close();
            } catch (RuntimeException e) {
                reporter.debug(node.name(), "closing the connection: " + e.getMessage());
            }
        }
    }
}
