package io.seedbootstrap.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.rke2.ConfigYaml;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster the {@link FakeNode}s of one test form, in memory: the Kubernetes objects RKE2's
 * kubectl on a server sees, the Node objects of the started units, and what RKE2 itself does with
 * them, reduced to what the phases rely on:
 * <ul>
 * <li>a node registers when its unit starts and is Ready by the time anyone next lists the nodes
 * (the time a poll takes); a server's start fails while another server is still joining, as
 * etcd admits one learner at a time (contract A.10), and a joining node's start fails while no
 * server runs;</li>
 * <li>the deploy controller (contract D) records every file of the bootstrap server's manifests
 * folder as AddOn {@code kube-system/<basename>} with its sha256, and creates the objects in it;</li>
 * <li>the helm-controller (contract D) runs each HelmChart's {@code helm-install-<name>} job, which
 * succeeds by the time anyone next looks at it: then the job is Complete with the chart's
 * CONFIG_HASH, and the release's Secret {@code deployed} with that hash. While a chart's job runs,
 * its CRDs are not there: a manifests file of other kinds applied meanwhile fails (its AddOn
 * records the error), as a ClusterIssuer before cert-manager's CRDs would.</li>
 * </ul>
 * Every change is also written to {@link #events()}, in order, for tests that check an order.
 */
public final class FakeCluster {
    /** The version a node runs unless a test says otherwise. */
    public static final String DEFAULT_VERSION = "v1.35.7+rke2r1";

    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final Map<String, Boolean> nodes = new LinkedHashMap<>();
    private final Map<String, Boolean> servers = new LinkedHashMap<>();
    /** The RKE2 version each node's kubelet reports (contract A.11: the Node's kubeletVersion). */
    private final Map<String, String> versions = new LinkedHashMap<>();
    /** Nodes that stay NotReady whatever happens (an unhealthy node). */
    private final java.util.Set<String> unhealthy = new java.util.LinkedHashSet<>();
    private final java.util.Set<String> cordoned = new java.util.LinkedHashSet<>();
    /** Each Node's annotations. */
    private final Map<String, Map<String, String>> annotations = new LinkedHashMap<>();
    /** The version install.sh installs from the artifacts on the hosts. */
    private String release = DEFAULT_VERSION;
    private boolean etcdHealthy = true;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** Jobs running: job key to the key of the release Secret it is making. */
    private final Map<String, String> running = new LinkedHashMap<>();
    private long clock = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond();
    private int uid;

    /** What happened, in order: starts, kubectl writes, deploys. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    void event(String what) {
        events.add(what);
    }

    /** The host clock of every node (epoch seconds); it moves only when a test moves it. */
    public synchronized long clock() {
        return clock;
    }

    public synchronized void tick(long seconds) {
        clock += seconds;
    }

    // --- nodes ------------------------------------------------------------------------------

    /** Whether a server's API answers (a server unit runs). */
    public synchronized boolean up() {
        return servers.values().stream().anyMatch(b -> b);
    }

    /** A unit started: empty when the node registers (joining), else why the start failed. */
    synchronized Optional<String> start(String nodeName, boolean server, boolean first) {
        return start(nodeName, server, first, DEFAULT_VERSION);
    }

    /** A unit of RKE2 {@code version} started. */
    synchronized Optional<String> start(String nodeName, boolean server, boolean first, String version) {
        if (!first && !up()) {
            return Optional.of("failed to contact server: connection refused");
        }
        if (server && servers.entrySet().stream().anyMatch(e -> e.getValue() && !e.getKey().equals(nodeName)
                && !nodes.getOrDefault(e.getKey(), true))) {
            return Optional.of("etcdserver: too many learner members in cluster");
        }
        nodes.put(nodeName, false);
        versions.put(nodeName, version);
        if (server) {
            servers.put(nodeName, true);
            objects.putIfAbsent(key("namespace", null, "kube-system"), object("v1", "Namespace", null, "kube-system"));
        }
        event("start " + nodeName);
        return Optional.empty();
    }

    /** A unit stopped or restarting: its node is not Ready until it is seen again. */
    synchronized void stop(String nodeName) {
        if (nodes.containsKey(nodeName)) {
            nodes.put(nodeName, false);
        }
        servers.computeIfPresent(nodeName, (k, v) -> false);
    }

    /** kubectl get nodes: nodes that started since the last look have become Ready. */
    public synchronized List<NodeStatus> nodes() {
        nodes.replaceAll((name, ready) -> !unhealthy.contains(name));
        List<NodeStatus> list = new ArrayList<>();
        nodes.forEach((name, ready) -> list.add(new NodeStatus(name, ready, versions.getOrDefault(name, DEFAULT_VERSION),
                servers.containsKey(name) ? List.of("control-plane", "etcd") : List.of(), "", annotations.getOrDefault(name, Map.of()))));
        return list;
    }

    /** The version install.sh installs from now on (a new bundle's artifacts on the hosts). */
    public synchronized FakeCluster release(String version) {
        release = version;
        return this;
    }

    public synchronized String release() {
        return release;
    }

    /** The node stays NotReady. */
    public synchronized FakeCluster unhealthy(String nodeName) {
        unhealthy.add(nodeName);
        return this;
    }

    public synchronized FakeCluster etcdHealthy(boolean healthy) {
        etcdHealthy = healthy;
        return this;
    }

    public synchronized boolean etcdHealthy() {
        return etcdHealthy && up();
    }

    /** The kubelet version the node last started with. */
    public synchronized String version(String nodeName) {
        return versions.get(nodeName);
    }

    synchronized void cordon(String nodeName, boolean on) {
        if (on) {
            cordoned.add(nodeName);
        } else {
            cordoned.remove(nodeName);
        }
        event((on ? "cordon " : "uncordon ") + nodeName);
    }

    public synchronized boolean cordoned(String nodeName) {
        return cordoned.contains(nodeName);
    }

    /** kubectl annotate node: {@code value} null removes the annotation; a node the cluster does not have fails as kubectl does. */
    synchronized void annotate(String nodeName, String key, String value) {
        if (!nodes.containsKey(nodeName)) {
            throw new IllegalStateException("nodes \"" + nodeName + "\" not found");
        }
        Map<String, String> of = annotations.computeIfAbsent(nodeName, n -> new LinkedHashMap<>());
        if (value == null) {
            of.remove(key);
        } else {
            of.put(key, value);
        }
        event("annotate " + nodeName + " " + key + (value == null ? "-" : "=" + value));
    }

    /** A Node's annotations. */
    public synchronized Map<String, String> annotations(String nodeName) {
        return Map.copyOf(annotations.getOrDefault(nodeName, Map.of()));
    }

    /** A Node object as the restored datastore remembers it (not started here). */
    public synchronized void rememberNode(String nodeName) {
        nodes.putIfAbsent(nodeName, true);
    }

    public synchronized boolean hasNode(String nodeName) {
        return nodes.containsKey(nodeName);
    }

    // --- objects ----------------------------------------------------------------------------

    static String key(String kind, String namespace, String name) {
        return kind.toLowerCase(java.util.Locale.ROOT) + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }

    static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
        ObjectNode root = Json.json().createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode metadata = root.putObject("metadata").put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return root;
    }

    public synchronized Optional<JsonNode> get(String kind, String namespace, String name) {
        String k = key(kind, namespace, name);
        if (running.containsKey(k)) {
            finish(k, running.remove(k));
        }
        return Optional.ofNullable(objects.get(k)).map(JsonNode::deepCopy);
    }

    public synchronized List<JsonNode> list(String kind, String namespace, Map<String, String> labels) {
        List<JsonNode> found = new ArrayList<>();
        String prefix = kind.toLowerCase(java.util.Locale.ROOT) + "/" + namespace + "/";
        objects.forEach((k, o) -> {
            JsonNode l = o.path("metadata").path("labels");
            if (k.startsWith(prefix) && labels.entrySet().stream().allMatch(e -> e.getValue().equals(l.path(e.getKey()).asText(null)))) {
                found.add(o.deepCopy());
            }
        });
        return found;
    }

    /** An object as kubectl create/apply writes it (create refuses an existing one). */
    synchronized void write(String verb, JsonNode object) {
        String kind = object.path("kind").asText();
        String namespace = object.path("metadata").path("namespace").asText(null);
        String name = object.path("metadata").path("name").asText();
        String k = key(kind, namespace, name);
        if (verb.equals("create") && objects.containsKey(k)) {
            throw new IllegalStateException("Error from server (AlreadyExists): " + kind + " \"" + name + "\" already exists");
        }
        ObjectNode copy = object.deepCopy();
        ((ObjectNode) copy.path("metadata")).put("uid", "uid-" + (++uid));
        objects.put(k, copy);
        event("kubectl " + (verb.equals("create") ? "create" : "apply") + " " + kind.toLowerCase(java.util.Locale.ROOT) + " "
                + (namespace == null ? "" : namespace + "/") + name);
    }

    synchronized boolean delete(String kind, String namespace, String name) {
        boolean gone = objects.remove(key(kind, namespace, name)) != null;
        if (gone) {
            event("kubectl delete " + kind + " " + (namespace == null ? "" : namespace + "/") + name);
        }
        return gone;
    }

    // --- RKE2's deploy and helm controllers -------------------------------------------------------

    /** D: a manifests-folder file applied: its AddOn with the content's sha256, and the objects in it. */
    synchronized void deploy(String fileName, byte[] content) {
        String addOn = fileName.replaceFirst("\\.(ya?ml|json)$", "");
        ObjectNode record = object("k3s.cattle.io/v1", "Addon", "kube-system", addOn);
        record.putObject("spec").put("checksum", NodeFiles.sha256(content));
        record.putObject("status");
        objects.put(key("addon", "kube-system", addOn), record);
        event("deploy " + fileName);
        List<JsonNode> documents = new ArrayList<>();
        try {
            ConfigYaml.mapper().readerFor(JsonNode.class).readValues(new String(content, StandardCharsets.UTF_8))
                    .forEachRemaining(d -> documents.add((JsonNode) d));
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + " is not YAML", e);
        }
        for (JsonNode document : documents) {
            if (document == null || !document.isObject() || document.path("kind").asText().isEmpty()) {
                continue;
            }
            if (!document.path("kind").asText().equals("HelmChart") && !running.isEmpty()) {
                ((ObjectNode) record.path("status")).put("error", "no matches for kind \"" + document.path("kind").asText()
                        + "\": ensure CRDs are installed first");
                continue;
            }
            ObjectNode copy = ((ObjectNode) document).deepCopy();
            String kind = copy.path("kind").asText();
            String namespace = copy.path("metadata").path("namespace").asText(kind.equals("HelmChart") ? "kube-system" : null);
            objects.put(key(kind, namespace, copy.path("metadata").path("name").asText()), copy);
            if (kind.equals("HelmChart")) {
                runChart(copy);
            }
        }
    }

    /** The helm-controller's job for a HelmChart: running, its release's new revision pending until it is looked at. */
    private void runChart(JsonNode chart) {
        String name = chart.path("metadata").path("name").asText();
        String target = chart.path("spec").path("targetNamespace").asText("kube-system");
        String hash = "SHA256=" + NodeFiles.sha256(chart.path("spec").toString());
        ObjectNode job = object("batch/v1", "Job", "kube-system", "helm-install-" + name);
        ObjectNode env = job.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject()
                .putArray("env").addObject();
        env.put("name", "CONFIG_HASH").put("value", hash);
        job.putObject("status").put("startTime", Instant.ofEpochSecond(clock).toString()).put("active", 1);
        String jobKey = key("job", "kube-system", "helm-install-" + name);
        objects.put(jobKey, job);
        int version = list("secret", target, Map.of("owner", "helm", "name", name)).size() + 1;
        ObjectNode release = object("v1", "Secret", target, "sh.helm.release.v1." + name + ".v" + version).put("type", "helm.sh/release.v1");
        ((ObjectNode) release.path("metadata")).put("uid", "uid-" + (++uid)).putObject("labels").put("owner", "helm").put("name", name)
                .put("status", "pending-install").put("version", String.valueOf(version)).put("helmcharts.helm.cattle.io/configHash", hash);
        String releaseKey = key("secret", target, release.path("metadata").path("name").asText());
        objects.put(releaseKey, release);
        running.put(jobKey, releaseKey);
    }

    /** The job succeeded: Complete, its revision deployed and the one before superseded. */
    private void finish(String jobKey, String releaseKey) {
        ObjectNode status = (ObjectNode) objects.get(jobKey).path("status");
        status.remove("active");
        status.putArray("conditions").addObject().put("type", "Complete").put("status", "True");
        ObjectNode labels = (ObjectNode) objects.get(releaseKey).path("metadata").path("labels");
        String namespace = objects.get(releaseKey).path("metadata").path("namespace").asText();
        list("secret", namespace, Map.of("owner", "helm", "name", labels.path("name").asText(), "status", "deployed")).forEach(previous ->
                ((ObjectNode) objects.get(key("secret", namespace, previous.path("metadata").path("name").asText())).path("metadata")
                        .path("labels")).put("status", "superseded"));
        labels.put("status", "deployed");
        event("helm-install " + labels.path("name").asText() + " v" + labels.path("version").asText());
    }
}
