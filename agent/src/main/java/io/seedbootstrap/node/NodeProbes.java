package io.seedbootstrap.node;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.ssh.RemoteHost;
import java.util.List;
import java.util.Map;

/**
 * Read-only probes of one host for preflight and GatherFacts. Nothing here changes the host: the
 * temporary listeners are processes of the login user that die on their own within their
 * lifetime and are stopped as soon as the probes are done.
 */
public interface NodeProbes {
    /** The command of {@link #listeners()}, as messages name it. */
    String ROOT_PROBE = RootProbe.SCRIPT;
    /** Marks the temporary listeners' command lines, so only they are ever stopped. */
    String LISTENER_MARKER = PortProbes.MARKER;
    /** TCP connects one host makes at once ({@link #connect}). */
    int CONNECTS_AT_ONCE = PortProbes.AT_ONCE;
    /** How long one try of a TCP connect may take. */
    int CONNECT_TIMEOUT_SECONDS = PortProbes.CONNECT_TIMEOUT_SECONDS;
    /** Tries of a connect that timed out, before it counts as no answer. */
    int CONNECT_ATTEMPTS = PortProbes.ATTEMPTS;

    /** OS, architecture, resources, addresses, what is installed: one read-only command, as root. */
    HostFacts facts();

    /**
     * Paths (and units) later read-only checks will ask about, looked at inside an earlier command
     * (the facts', the lock's) instead of one command each later (issue 22, P3).
     *
     * @param states   files whose {@link NodeFiles#states} are wanted
     * @param existing paths whose {@link NodeFiles#existing} is wanted
     * @param units    systemd units whose {@code systemctl is-active} is wanted (only the lock's command looks at them)
     */
    record Look(List<String> states, List<String> existing, List<String> units) {
        public static final Look NOTHING = new Look(List.of(), List.of(), List.of());

        public Look {
            states = List.copyOf(states);
            existing = List.copyOf(existing);
            units = List.copyOf(units);
        }

        public Look(List<String> states, List<String> existing) {
            this(states, existing, List.of());
        }

        /** For a command's description: ", look at 7 path(s) and 1 unit(s)", or "" when nothing is looked at. */
        public String describe() {
            int paths = states.size() + existing.size();
            if (paths == 0 && units.isEmpty()) {
                return "";
            }
            return ", look at " + (paths > 0 ? paths + " path(s)" : "") + (paths > 0 && !units.isEmpty() ? " and " : "")
                    + (units.isEmpty() ? "" : units.size() + " unit(s)");
        }

        /** Both looks in one. */
        public Look and(Look other) {
            return new Look(java.util.stream.Stream.concat(states.stream(), other.states.stream()).distinct().toList(),
                    java.util.stream.Stream.concat(existing.stream(), other.existing.stream()).distinct().toList(),
                    java.util.stream.Stream.concat(units.stream(), other.units.stream()).distinct().toList());
        }
    }

    /**
     * What a {@link Look} found: answers only for the paths looked at, so a caller asking for more
     * asks the host.
     */
    record Seen(Look look, Map<String, NodeFiles.State> states, List<String> existing, Map<String, String> unitStates) {
        public Seen {
            states = Map.copyOf(states);
            existing = List.copyOf(existing);
            unitStates = Map.copyOf(unitStates);
        }

        public Seen(Look look, Map<String, NodeFiles.State> states, List<String> existing) {
            this(look, states, existing, Map.of());
        }

        /** As {@link Rke2Service#active} for {@code unit}, when its state was looked at. */
        public java.util.Optional<Boolean> active(String unit) {
            return look.units().contains(unit) ? java.util.Optional.ofNullable(unitStates.get(unit)).map("active"::equals)
                    : java.util.Optional.empty();
        }

        /** As {@link NodeFiles#states} when every path was looked at. */
        public java.util.Optional<Map<String, NodeFiles.State>> states(java.util.Collection<String> paths) {
            if (!look.states().containsAll(paths)) {
                return java.util.Optional.empty();
            }
            Map<String, NodeFiles.State> found = new java.util.LinkedHashMap<>();
            paths.forEach(p -> {
                if (states.containsKey(p)) {
                    found.put(p, states.get(p));
                }
            });
            return java.util.Optional.of(found);
        }

        /** As {@link NodeFiles#existing} when every path was looked at. */
        public java.util.Optional<List<String>> existing(java.util.Collection<String> paths) {
            return look.existing().containsAll(paths) ? java.util.Optional.of(paths.stream().filter(existing::contains).toList())
                    : java.util.Optional.empty();
        }
    }

    /** The facts and what a {@link Look} found, read in the same command. */
    record Looked(HostFacts facts, Seen seen) {
        public Looked(HostFacts facts, Look look, Map<String, NodeFiles.State> states, List<String> existing) {
            this(facts, new Seen(look, states, existing));
        }

        /** As {@link NodeFiles#states} when every path was looked at. */
        public java.util.Optional<Map<String, NodeFiles.State>> states(java.util.Collection<String> paths) {
            return seen.states(paths);
        }

        /** As {@link NodeFiles#existing} when every path was looked at. */
        public java.util.Optional<List<String>> existing(java.util.Collection<String> paths) {
            return seen.existing(paths);
        }
    }

    /** {@link #facts()} with a {@link Look}, in one command where the node can (here: the facts alone, nothing looked at). */
    default Looked facts(Look look) {
        return new Looked(facts(), Look.NOTHING, Map.of(), List.of());
    }

    /**
     * Listening TCP sockets with the processes that hold them ({@code ss -ltnp}, as root: without
     * root ss hides other users' processes). That it runs at all is the sudo check.
     */
    List<Listener> listeners();

    /** A temporary listener: the process group to stop, and whether it bound its port in time. */
    record Started(long processGroup, boolean bound) {}

    /**
     * Starts one temporary listener per port with {@code tool} (python3 or socat), each in its
     * own process group, under {@code timeout lifetimeSeconds}.
     *
     * @return per port that got a process: what was started
     */
    Map<Integer, Started> startListeners(String tool, List<Integer> ports, int lifetimeSeconds);

    /** Stops the temporary listeners of these process groups, each only while its leader is still ours. */
    void stopListeners(List<Long> processGroups);

    /**
     * Ties temporary listeners to this run: blocks, holding a command open on the host, until
     * {@code release} is counted down, then the host stops them ({@link #stopListeners}'s rule).
     * If the run dies first (crash, kill -9, link lost) the command's stdin reaches end of file
     * when the SSH channel closes and the host stops them just the same, so their own
     * {@code timeout} is only a backstop. Returns early only when the command cannot run.
     */
    void holdListeners(List<Long> processGroups, java.util.concurrent.CountDownLatch release, int backstopSeconds);

    /** Where to connect. */
    record Endpoint(String address, int port) {}

    /**
     * How one connect ended: the exit code of the bounded connect (0 connected, 124 no answer in
     * time) and the last line of its error, or null when the probe gave no answer for it.
     */
    record Connect(int exitCode, String error) {}

    /**
     * Plain TCP connects from this host (bash's /dev/tcp), {@link #CONNECTS_AT_ONCE} at a time,
     * each try bounded by {@link #CONNECT_TIMEOUT_SECONDS}, one that timed out tried
     * {@link #CONNECT_ATTEMPTS} times.
     *
     * @return one result per endpoint, in order; null for an endpoint the probe did not answer for
     */
    List<Connect> connect(List<Endpoint> endpoints);

    /** The probes over an SSH connection (the preflight command's own connections). */
    static NodeProbes over(RemoteHost remote) {
        return new SshProbes(remote);
    }
}
