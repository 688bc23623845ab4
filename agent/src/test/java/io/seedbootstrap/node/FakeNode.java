package io.seedbootstrap.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;

/**
 * A host in memory, for unit tests of phases: a file system (content and mode per path), the
 * RKE2 unit (active, restarts), what install.sh, the uninstall script, the CIS prerequisites and
 * the lock leave behind, and, through its {@link FakeCluster}, kubectl's view of the cluster. It
 * behaves as the host would (an upload is checked against its sha256, a server's first start
 * writes the token RKE2 runs with, a start fails while the cluster cannot take the node), so a
 * test asserts the state a phase leaves, not the calls it made.
 */
public final class FakeNode implements Node {
    /** A file: its content and mode. */
    public record File(byte[] content, String mode) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final Host host;
    private final FakeCluster cluster;
    private volatile HostFacts facts;
    private final Map<String, File> disk = Collections.synchronizedMap(new TreeMap<>());
    private final Set<String> folders = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<String> uploads = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean active;
    private volatile int restarts;
    private volatile String startFailure;
    private volatile String installed;
    private volatile String etcdUserShell;
    private volatile String sysctlFailure;
    private final List<String> relayLeftovers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> snapshots = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;
    /** What the unit's journal holds, one entry per line (a test may put a secret there). */
    private final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    /** A unit state other than active/inactive (activating, failed), or null. */
    private volatile String unitState;
    /** The result of kubectl logs per workload (a test may put a secret there). */
    private final Map<String, String> logs = Collections.synchronizedMap(new LinkedHashMap<>());
    /** The rke2 installed here: from the facts' version line, then what install.sh installed. */
    private volatile String version;

    public FakeNode(Host host, HostFacts facts, FakeCluster cluster) {
        this.host = host;
        this.facts = facts;
        this.cluster = cluster;
        this.version = facts.installedRke2Version().orElse(FakeCluster.DEFAULT_VERSION);
    }

    // --- what a test sets up and looks at -------------------------------------------------------

    public FakeNode file(String path, String content, String mode) {
        disk.put(path, new File(content.getBytes(StandardCharsets.UTF_8), NodeFiles.normalMode(mode)));
        return this;
    }

    public FakeNode folder(String path) {
        folders.add(path);
        return this;
    }

    public Optional<File> fileAt(String path) {
        return Optional.ofNullable(disk.get(path));
    }

    public Map<String, File> allFiles() {
        synchronized (disk) {
            return Map.copyOf(disk);
        }
    }

    /** The targets of every bundle file sent to this host, in order. */
    public List<String> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    /** A unit that already runs (a converged node): registered and Ready in the cluster. */
    public FakeNode running() {
        boolean server = host.role() == Role.SERVER;
        active = true;
        cluster.start(host.effectiveNodeName(), server, true, version).ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        cluster.nodes();
        return this;
    }

    /** The next start fails with this message (as systemctl prints it). */
    public FakeNode failingStart(String why) {
        startFailure = why;
        return this;
    }

    /** One more line in the unit's journal. */
    public FakeNode journalLine(String line) {
        journal.add(line);
        return this;
    }

    /** The unit is in this state as systemd names it (failed, activating); it is not active. */
    public FakeNode unitState(String state) {
        unitState = state;
        active = false;
        cluster.stop(host.effectiveNodeName());
        return this;
    }

    /** The unit stops, as {@code systemctl stop}: its node stays NotReady (its kubelet no longer reports). */
    public FakeNode stopped() {
        active = false;
        cluster.stop(host.effectiveNodeName());
        cluster.unhealthy(host.effectiveNodeName());
        return this;
    }

    /** What {@code kubectl logs WORKLOAD} prints on this node. */
    public FakeNode logs(String workload, String text) {
        logs.put(workload, text);
        return this;
    }

    public FakeNode restarts(int count) {
        restarts = count;
        return this;
    }

    public FakeNode sysctlFailure(String why) {
        sysctlFailure = why;
        return this;
    }

    public FakeNode relayLeftover(String run) {
        relayLeftovers.add(run);
        return this;
    }

    public List<String> relayLeftovers() {
        return List.copyOf(relayLeftovers);
    }

    /** The rke2 version installed here. */
    public String version() {
        return version;
    }

    public FakeNode facts(HostFacts newFacts) {
        facts = newFacts;
        newFacts.installedRke2Version().ifPresent(v -> version = v);
        return this;
    }

    public boolean active() {
        return active;
    }

    /** "server under /usr/local" once install.sh ran, else null. */
    public String installed() {
        return installed;
    }

    /** The etcd user's login shell, null while there is none. */
    public String etcdUserShell() {
        return etcdUserShell;
    }

    public List<String> snapshotNames() {
        return List.copyOf(snapshots);
    }

    public boolean closed() {
        return closed;
    }

    private boolean server() {
        return host.role() == Role.SERVER;
    }

    // --- Node -----------------------------------------------------------------------------

    @Override
    public Host host() {
        return host;
    }

    @Override
    public HostFacts facts() {
        return facts;
    }

    @Override
    public NodeFiles files() {
        return fileOps;
    }

    @Override
    public Rke2Service rke2() {
        return rke2;
    }

    @Override
    public Kubectl kubectl() {
        return kubectl;
    }

    @Override
    public NodeSystem system() {
        return system;
    }

    @Override
    public NodeProbes probes() {
        return probes;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "fake node " + host.name();
    }

    private byte[] read(String path) {
        File file = disk.get(path);
        if (file == null) {
            throw new SeedException(ExitCode.FAILED, host.name() + ": cat: " + path + ": No such file or directory");
        }
        return file.content();
    }

    private void put(String path, byte[] content, String mode) {
        disk.put(path, new File(content.clone(), NodeFiles.normalMode(mode)));
        if (path.startsWith(Rke2Paths.MANIFESTS + "/") && server() && active && cluster.up()) {
            cluster.deploy(path.substring(path.lastIndexOf('/') + 1), content);
        }
    }

    private final NodeFiles fileOps = new NodeFiles() {
        @Override
        public Map<String, State> states(Collection<String> paths) {
            Map<String, State> states = new LinkedHashMap<>();
            for (String path : paths) {
                File file = disk.get(path);
                if (file != null) {
                    states.put(path, new State(NodeFiles.sha256(file.content()), file.mode()));
                }
            }
            return states;
        }

        /** As the host: one record file per path in VERIFIED_DIR, holding the sha256 (the stat key has no meaning here). */
        @Override
        public void rememberVerified(Map<String, String> sha256ByPath) {
            sha256ByPath.forEach((path, sha256) -> disk.put(VERIFIED_DIR + "/" + path.replace('/', '_'),
                    new File((sha256 + "\n").getBytes(StandardCharsets.UTF_8), "0600")));
        }

        @Override
        public boolean exists(String path) {
            synchronized (disk) {
                return disk.containsKey(path) || folders.contains(path)
                        || disk.keySet().stream().anyMatch(p -> p.startsWith(path + "/"))
                        || folders.stream().anyMatch(p -> p.startsWith(path + "/"));
            }
        }

        @Override
        public List<String> existing(Collection<String> paths) {
            return paths.stream().filter(this::exists).toList();
        }

        @Override
        public boolean hasContent(String path) {
            File file = disk.get(path);
            return file != null && file.content().length > 0;
        }

        @Override
        public boolean sameContent(String a, String b) {
            // as [ "$(cat a)" = "$(cat b)" ]: trailing newlines aside, a missing file reads as nothing
            return text(a).equals(text(b));
        }

        private String text(String path) {
            File file = disk.get(path);
            return file == null ? "" : file.text().replaceFirst("\n+$", "");
        }

        @Override
        public String read(String path) {
            return new String(FakeNode.this.read(path), StandardCharsets.UTF_8);
        }

        @Override
        public Optional<String> readIfPresent(String path) {
            return Optional.ofNullable(disk.get(path)).map(File::text);
        }

        @Override
        public Optional<byte[]> fetch(String path) {
            return Optional.ofNullable(disk.get(path)).map(f -> f.content().clone());
        }

        @Override
        public void download(String path, OutputStream sink, Duration timeout) {
            try {
                sink.write(FakeNode.this.read(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long size(String path) {
            return FakeNode.this.read(path).length;
        }

        @Override
        public List<String> list(List<String> dirs) {
            List<String> found = new ArrayList<>();
            for (String dir : dirs) {
                synchronized (disk) {
                    disk.keySet().stream().filter(p -> p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0)
                            .filter(p -> Character.isLetterOrDigit(p.charAt(dir.length() + 1))).sorted().forEach(found::add);
                }
            }
            return found;
        }

        @Override
        public void write(String path, byte[] content, String mode) {
            put(path, content, mode);
        }

        @Override
        public void writeAll(String folder, String folderMode, List<NewFile> set, String display) {
            folders.add(folder);
            for (NewFile file : set) {
                put(folder + "/" + file.relativePath(), file.content(), file.mode());
            }
        }

        @Override
        public void copy(String source, String target, String mode) {
            put(target, FakeNode.this.read(source), mode);
        }

        @Override
        public void receive(String target, String sha256, Source source, String display, Duration timeout) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                source.writeTo(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!NodeFiles.sha256(bytes.toByteArray()).equals(sha256)) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": " + display + ": received sha256 differs");
            }
            put(target, bytes.toByteArray(), "0600");
        }

        /** As the uploader: the bytes sent must have the manifest's sha256, else nothing lands. */
        @Override
        public void upload(Copy copy, Semaphore gate) {
            try {
                byte[] content;
                if (copy.split()) {
                    ByteArrayOutputStream joined = new ByteArrayOutputStream();
                    for (Copy.Part part : copy.parts()) {
                        byte[] bytes = Files.readAllBytes(part.source());
                        if (!NodeFiles.sha256(bytes).equals(part.sha256())) {
                            throw new SeedException(ExitCode.FAILED, host.name() + ": " + part.source() + " does not have the sha256 the manifest gives");
                        }
                        joined.write(bytes);
                    }
                    content = joined.toByteArray();
                } else {
                    content = Files.readAllBytes(copy.source());
                }
                if (!NodeFiles.sha256(content).equals(copy.sha256())) {
                    throw new SeedException(ExitCode.FAILED, host.name() + ": " + copy.source() + " does not have the sha256 the manifest gives");
                }
                put(copy.target(), content, copy.mode());
                uploads.add(copy.target());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void remove(String path) {
            disk.remove(path);
        }

        @Override
        public void removeTree(String path) {
            synchronized (disk) {
                disk.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
                folders.removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
            }
        }
    };

    private final Rke2Service rke2 = new Rke2Service() {
        @Override
        public String unit() {
            return server() ? "rke2-server" : "rke2-agent";
        }

        @Override
        public boolean active() {
            return active;
        }

        @Override
        public Start start(Duration timeout) {
            if (startFailure != null) {
                String why = startFailure;
                startFailure = null;
                return new Start(false, why);
            }
            boolean first = server() && !cluster.up();
            Optional<String> refused = cluster.start(host.effectiveNodeName(), server(), first, version);
            if (refused.isPresent()) {
                restarts++;
                return new Start(false, "Job for " + unit() + ".service failed: " + refused.get());
            }
            active = true;
            if (server()) {
                folders.add(Rke2Paths.ETCD_DATA);
                if (first) {
                    // A.4: the server token RKE2 runs with is the token file's on a new cluster
                    File token = disk.get(Rke2Paths.TOKEN_FILE);
                    if (!disk.containsKey(Rke2Paths.SERVER_TOKEN) && token != null) {
                        put(Rke2Paths.SERVER_TOKEN, token.content(), "0600");
                    }
                    put(Rke2Paths.ADMIN_KUBECONFIG, ("apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\n"
                            + "contexts:\n- context:\n    cluster: default\n    user: default\n  name: default\ncurrent-context: default\nkind: Config\n"
                            + "users:\n- name: default\n  user: {}\n").getBytes(StandardCharsets.UTF_8), "0600");
                }
                synchronized (disk) {
                    new TreeMap<>(disk).forEach((path, file) -> {
                        if (path.startsWith(Rke2Paths.MANIFESTS + "/")) {
                            cluster.deploy(path.substring(path.lastIndexOf('/') + 1), file.content());
                        }
                    });
                }
            }
            return new Start(true, "");
        }

        @Override
        public void restart(Duration timeout) {
            cluster.stop(host.effectiveNodeName());
            active = false;
            Start start = start(timeout);
            if (!start.ok()) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": " + start.error());
            }
            cluster.event("restart " + host.effectiveNodeName());
        }

        @Override
        public void stopServer() {
            if (server()) {
                active = false;
                cluster.stop(host.effectiveNodeName());
            }
        }

        @Override
        public int restarts() {
            return restarts;
        }

        @Override
        public String journalTail() {
            return "-- journal of " + unit() + " on " + host.name() + " --\nlast line of " + unit();
        }

        @Override
        public String unitState() {
            return active ? "active" : unitState != null ? unitState : "inactive";
        }

        @Override
        public String unitStatus() {
            return "* " + unit() + ".service - Rancher Kubernetes Engine v2\n     Active: " + unitState() + "\n";
        }

        @Override
        public String journal(int lines) {
            synchronized (journal) {
                return String.join("\n", journal.subList(Math.max(0, journal.size() - lines), journal.size()))
                        + (journal.isEmpty() ? "" : "\n");
            }
        }

        @Override
        public void install(String artifacts, String script, String prefix) {
            FakeNode.this.read(artifacts + "/" + script);
            put(prefix + "/bin/rke2", "rke2 binary".getBytes(StandardCharsets.UTF_8), "0755");
            put(prefix + "/bin/rke2-uninstall.sh", "uninstall".getBytes(StandardCharsets.UTF_8), "0755");
            put(prefix + "/bin/rke2-killall.sh", "killall".getBytes(StandardCharsets.UTF_8), "0755");
            put(prefix + "/" + Rke2Paths.CIS_SYSCTL_SOURCE, "vm.panic_on_oom=0\n".getBytes(StandardCharsets.UTF_8), "0644");
            installed = (server() ? "server" : "agent") + " under " + prefix;
            version = cluster.release();
            cluster.event("install " + version + " on " + host.effectiveNodeName());
        }

        @Override
        public void saveSnapshot(String name, Duration timeout) {
            String full = name + "-" + host.effectiveNodeName() + "-" + cluster.clock();
            snapshots.add(full);
            put(Rke2Paths.DATA + "/server/db/snapshots/" + full, ("snapshot " + full).getBytes(StandardCharsets.UTF_8), "0600");
        }

        @Override
        public List<Snapshot> snapshots() {
            return snapshots.stream().map(n -> new Snapshot(n, "file://" + Rke2Paths.DATA + "/server/db/snapshots/" + n)).toList();
        }

        @Override
        public void deleteSnapshots(List<String> names) {
            snapshots.removeAll(names);
            names.forEach(n -> disk.remove(Rke2Paths.DATA + "/server/db/snapshots/" + n));
        }

        @Override
        public ClusterReset clusterReset(String snapshotFile, Duration timeout) {
            if (active) {
                return new ClusterReset(1, "etcd is running: stop the server first");
            }
            FakeNode.this.read(snapshotFile);
            folders.add(Rke2Paths.ETCD_DATA);
            return new ClusterReset(0, "... Managed etcd cluster membership has been reset, restart without --cluster-reset ...");
        }

        @Override
        public String uninstallScript() {
            return facts.tarPrefix() + "/bin/rke2-uninstall.sh";
        }

        @Override
        public void uninstall(Duration timeout) {
            active = false;
            cluster.stop(host.effectiveNodeName());
            String prefix = facts.tarPrefix();
            for (String path : List.of(Rke2Paths.ETC, Rke2Paths.DATA, "/etc/rancher/node", prefix + "/bin/rke2", prefix + "/bin/rke2-uninstall.sh",
                    prefix + "/bin/rke2-killall.sh", prefix + "/share/rke2")) {
                fileOps.removeTree(path);
            }
            installed = null;
        }

        @Override
        public void uninstallByHand(List<String> paths, Duration timeout) {
            active = false;
            cluster.stop(host.effectiveNodeName());
            paths.forEach(fileOps::removeTree);
            installed = null;
        }
    };

    private final Kubectl kubectl = new Kubectl() {
        private void reachable(String what) {
            if (!server() || !active || !cluster.up()) {
                throw new Unreachable(host.name() + ": kubectl " + what + " failed: The connection to the server 127.0.0.1:6443 was refused");
            }
        }

        @Override
        public Optional<JsonNode> get(String kind, String namespace, String name) {
            reachable("get " + kind + " " + name);
            return cluster.get(kind, namespace, name);
        }

        @Override
        public List<JsonNode> list(String kind, String namespace, String selector) {
            reachable("get " + kind);
            Map<String, String> labels = new LinkedHashMap<>();
            if (selector != null) {
                Arrays.stream(selector.split(",")).map(l -> l.split("=", 2)).forEach(l -> labels.put(l[0], l[1]));
            }
            return cluster.list(kind, namespace, labels);
        }

        @Override
        public void withStdin(String verb, byte[] object, String display) {
            reachable(verb + " " + display);
            try {
                cluster.write(verb.startsWith("apply") ? "apply" : verb, Json.json().readTree(object));
            } catch (IOException e) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl " + verb + " " + display + ": not JSON");
            } catch (IllegalStateException e) {
                throw new SeedException(ExitCode.FAILED, host.name() + ": kubectl " + verb + " " + display + " failed: " + e.getMessage());
            }
        }

        @Override
        public void delete(String kind, String namespace, String name) {
            reachable("delete " + kind + " " + name);
            cluster.delete(kind, namespace, name);
        }

        @Override
        public String logs(String namespace, String workload, int lines) {
            return logs.getOrDefault(workload, "log of " + workload);
        }

        @Override
        public Optional<List<NodeStatus>> nodes() {
            if (!server() || !active || !cluster.up()) {
                return Optional.empty();
            }
            return Optional.of(cluster.nodes());
        }

        @Override
        public boolean etcdHealthy() {
            return server() && active && cluster.etcdHealthy();
        }

        @Override
        public void cordon(String nodeName) {
            reachable("cordon " + nodeName);
            cluster.cordon(nodeName, true);
        }

        @Override
        public void drain(String nodeName, Duration timeout) {
            reachable("drain " + nodeName);
            cluster.event("drain " + nodeName);
        }

        @Override
        public void uncordon(String nodeName) {
            reachable("uncordon " + nodeName);
            cluster.cordon(nodeName, false);
        }

        @Override
        public void annotateNode(String nodeName, String key, String value) {
            reachable("annotate " + nodeName);
            cluster.annotate(nodeName, key, value);
        }

        @Override
        public boolean cordoned(String nodeName) {
            return cluster.cordoned(nodeName);
        }
    };

    private final NodeSystem system = new NodeSystem() {
        @Override
        public OsFamily osFamily() {
            return OsFamily.of(facts);
        }

        @Override
        public boolean hasEtcdUser() {
            return etcdUserShell != null;
        }

        @Override
        public void createEtcdUser() {
            if (etcdUserShell == null) {
                etcdUserShell = osFamily().nologinShell();
            }
        }

        @Override
        public Optional<String> applySysctls() {
            return Optional.ofNullable(sysctlFailure);
        }

        @Override
        public long clock() {
            return cluster.clock();
        }

        @Override
        public Optional<String> readLock() {
            return Optional.ofNullable(disk.get(LOCK_FILE)).map(File::text).filter(t -> !t.isBlank());
        }

        @Override
        public synchronized Optional<String> createLock(String content) {
            File held = disk.get(LOCK_FILE);
            if (held != null) {
                return Optional.of(held.text());
            }
            folders.add(STATE_DIR);
            put(LOCK_FILE, content.getBytes(StandardCharsets.UTF_8), "0600");
            return Optional.empty();
        }

        @Override
        public synchronized LockAttempt createLock(String content, NodeProbes.Look look) {
            Optional<String> held = createLock(content);
            return new LockAttempt(held, held.isPresent() || look.equals(NodeProbes.Look.NOTHING) ? Optional.empty()
                    : Optional.of(new NodeProbes.Seen(look, fileOps.states(look.states()), fileOps.existing(look.existing()),
                            look.units().stream().collect(java.util.stream.Collectors.toMap(u -> u,
                                    u -> u.equals(rke2.unit()) && active ? "active" : "inactive")))));
        }

        @Override
        public void replaceLock(String content) {
            put(LOCK_FILE, content.getBytes(StandardCharsets.UTF_8), "0600");
        }

        @Override
        public void removeLock(String ownerLine) {
            File held = disk.get(LOCK_FILE);
            if (held != null && held.text().lines().anyMatch(ownerLine::equals)) {
                disk.remove(LOCK_FILE);
            }
        }

        @Override
        public List<String> relayLeftovers(String runId) {
            return relayLeftovers.stream().filter(r -> !r.equals(runId)).sorted().toList();
        }

        @Override
        public void removeRelayLeftovers(String runId) {
            relayLeftovers.removeIf(r -> !r.equals(runId));
        }
    };

    private final NodeProbes probes = new NodeProbes() {
        @Override
        public HostFacts facts() {
            return facts;
        }

        @Override
        public Looked facts(Look look) {
            return new Looked(facts, look, fileOps.states(look.states()), fileOps.existing(look.existing()));
        }

        @Override
        public List<Listener> listeners() {
            return List.of(new Listener("0.0.0.0", 22, "sshd", 1));
        }

        @Override
        public Map<Integer, Started> startListeners(String tool, List<Integer> ports, int lifetimeSeconds) {
            Map<Integer, Started> started = new LinkedHashMap<>();
            ports.forEach(p -> started.put(p, new Started(1000 + p, true)));
            return started;
        }

        @Override
        public void stopListeners(List<Long> processGroups) {}

        @Override
        public void holdListeners(List<Long> processGroups, java.util.concurrent.CountDownLatch release, int backstopSeconds) {}

        @Override
        public List<Connect> connect(List<Endpoint> endpoints) {
            return endpoints.stream().map(e -> new Connect(0, "")).toList();
        }
    };
}
