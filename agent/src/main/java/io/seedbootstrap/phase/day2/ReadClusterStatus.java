package io.seedbootstrap.phase.day2;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.SeedApp;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.Rke2Service;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunState;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.day2.ClusterStatus.AppRow;
import io.seedbootstrap.phase.day2.ClusterStatus.Health;
import io.seedbootstrap.phase.day2.ClusterStatus.NodeRow;
import io.seedbootstrap.phase.day2.ClusterStatus.PkiRow;
import io.seedbootstrap.phase.day2.ClusterStatus.SnapshotRow;
import io.seedbootstrap.pki.ca.PkiInspector;
import io.seedbootstrap.pki.ca.PkiLayout;
import io.seedbootstrap.pki.ca.PkiReport;
import io.seedbootstrap.pki.ca.ShowOptions;
import io.seedbootstrap.rke2.NodeStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code status}: reads every host in parallel (the facts probe, the unit's state, the host lock,
 * each server's etcd check), the cluster as a server's API sees it (Nodes, the seed apps'
 * HelmCharts and jobs), the etcd snapshots, and the PKI directory on the operator's side. Reads
 * only: no {@link RunContext#change} anywhere. A host that cannot be reached is a row.
 */
public final class ReadClusterStatus implements Phase {
    public static final RunState.Key<ClusterStatus> STATUS = RunState.Key.of("cluster-status", ClusterStatus.class);

    /** Contract C: snapshots are named {@code <name>-<node>-<unix seconds>}, {@code .zip} when compressed. */
    private static final Pattern SNAPSHOT_TIME = Pattern.compile("-(\\d{9,})(?:\\.zip)?$");

    private final List<Host> hosts;
    private final Clock clock;

    public ReadClusterStatus(List<Host> hosts, Clock clock) {
        this.hosts = List.copyOf(hosts);
        this.clock = clock;
    }

    @Override
    public String title() {
        return "Read the cluster's status";
    }

    /**
     * What one host told about itself.
     *
     * @param error     why it could not be reached (null: it was)
     * @param readError why reading it failed after the login (null: it did not)
     */
    private record HostView(Host host, HostFacts facts, String unitState, String lock, Boolean etcdHealthy, String error, String readError) {
        boolean reachable() {
            return error == null;
        }

        boolean active() {
            return "active".equals(unitState);
        }
    }

    @Override
    public void run(RunContext context) {
        Inventory inventory = context.inventory();
        Map<Host, HostView> views = context.hosts().parallel(hosts, Host::name, host -> look(context, host));
        Optional<Node> api = apiNode(context, inventory, views);
        Optional<List<NodeStatus>> clusterNodes = api.flatMap(n -> n.kubectl().nodes());
        String noApi = "no server's API answered (" + (api.isEmpty() ? "no server's unit is active" : "kubectl get nodes failed") + ")";

        List<NodeRow> nodes = new ArrayList<>();
        for (HostView view : views.values()) {
            nodes.add(nodeRow(inventory, view, clusterNodes, noApi));
        }
        List<AppRow> apps = new ArrayList<>();
        for (SeedApp app : SeedApps.enabled(inventory)) {
            apps.add(appRow(app, clusterNodes.isPresent() ? api.map(Node::kubectl) : Optional.empty(), noApi));
        }
        ClusterStatus status = new ClusterStatus(inventory.cluster().name(), nodes, apps, pkiRow(inventory), snapshotRow(context, views));
        context.state().put(null, STATUS, status);
    }

    private static HostView look(RunContext context, Host host) {
        Optional<RuntimeException> failure = context.state().find(host.name(), Connect.FAILURE);
        if (failure.isPresent()) {
            return new HostView(host, null, "", null, null, failure.get().getMessage(), null);
        }
        try {
            return read(context, host);
        } catch (RuntimeException e) {
            // a row, not the end of the run: the other hosts are still shown
            return new HostView(host, null, "", null, null, null, e.getMessage());
        }
    }

    private static HostView read(RunContext context, Host host) {
        Node node = context.node(host);
        HostFacts facts = node.probes().facts();
        // the rke2 binary's prefix comes from the facts (Connect's nodes read them from the run state)
        context.state().put(host.name(), GatherFacts.FACTS, facts);
        Rke2Service rke2 = node.rke2();
        String unit = facts.rke2Installed() ? rke2.unitState() : "not installed";
        String lock = HostLock.read(node.system()).map(HostLock.Holder::describe).orElse(null);
        Boolean etcd = null;
        if (host.role() == Role.SERVER) {
            // contract A.11: this server's API server asks its own etcd
            etcd = "active".equals(unit) && node.kubectl().etcdHealthy();
        }
        return new HostView(host, facts, unit, lock, etcd, null, null);
    }

    /** The bootstrap server's API when its unit runs, else another running server's. */
    private static Optional<Node> apiNode(RunContext context, Inventory inventory, Map<Host, HostView> views) {
        List<Host> servers = new ArrayList<>(inventory.servers());
        servers.sort(Comparator.comparing(h -> !h.equals(inventory.bootstrapServer())));
        return servers.stream().filter(views::containsKey).filter(h -> views.get(h).active()).findFirst().map(context::node);
    }

    private static NodeRow nodeRow(Inventory inventory, HostView view, Optional<List<NodeStatus>> clusterNodes, String noApi) {
        Host host = view.host();
        boolean bootstrap = host.equals(inventory.bootstrapServer());
        String role = host.role().key();
        if (!view.reachable()) {
            return new NodeRow(host.name(), role, bootstrap, false, "", "", null, "", null, null, null, Health.FAIL,
                    List.of("unreachable: " + view.error()));
        }
        if (view.readError() != null) {
            return new NodeRow(host.name(), role, bootstrap, true, "", "", null, "", null, null, null, Health.FAIL,
                    List.of("cannot read the host: " + view.readError()));
        }
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        HostFacts facts = view.facts();
        String version = facts.installedRke2Version().orElse("");
        if (!facts.rke2Installed()) {
            failures.add("RKE2 is not installed");
        } else if (!view.active()) {
            failures.add("unit " + (host.role() == Role.SERVER ? "rke2-server" : "rke2-agent") + " is " + view.unitState());
        }
        if (!version.isEmpty() && !version.equals(inventory.cluster().rke2Version())) {
            warnings.add("runs RKE2 " + version + ", the inventory says " + inventory.cluster().rke2Version());
        }
        Boolean ready = null;
        String kubelet = "";
        if (clusterNodes.isPresent()) {
            Optional<NodeStatus> found = clusterNodes.get().stream().filter(n -> n.name().equals(host.effectiveNodeName())).findFirst();
            ready = found.map(NodeStatus::ready).orElse(false);
            kubelet = found.map(NodeStatus::kubeletVersion).orElse("");
            if (found.isEmpty()) {
                failures.add("the cluster has no node " + host.effectiveNodeName());
            } else if (!found.get().ready()) {
                failures.add("node " + host.effectiveNodeName() + " is NotReady");
            }
        } else {
            failures.add(noApi);
        }
        if (Boolean.FALSE.equals(view.etcdHealthy()) && view.active()) {
            failures.add("etcd is not healthy (/readyz/etcd)");
        }
        long minimum = host.role() == Role.SERVER ? inventory.preflight().server().diskGiB() : inventory.preflight().agent().diskGiB();
        if (facts.rancherDiskFreeGiB() < minimum) {
            warnings.add(facts.rancherDiskFreeGiB() + " GiB free under /var/lib/rancher, less than preflight's " + minimum + " GiB");
        }
        if (view.lock() != null) {
            warnings.add("locked by " + view.lock());
        }
        List<String> problems = new ArrayList<>(failures);
        problems.addAll(warnings);
        Health health = !failures.isEmpty() ? Health.FAIL : !warnings.isEmpty() ? Health.WARN : Health.OK;
        return new NodeRow(host.name(), role, bootstrap, true, version, view.unitState(), ready, kubelet, view.etcdHealthy(),
                facts.rancherDiskFreeGiB(), view.lock(), health, problems);
    }

    /** Contract D: HelmChart kube-system/NAME, its job kube-system/helm-install-NAME. */
    private static AppRow appRow(SeedApp app, Optional<Kubectl> api, String noApi) {
        String name = app.helmChart();
        if (api.isEmpty()) {
            return new AppRow(app.title(), name, false, "unknown", Health.FAIL, noApi);
        }
        Kubectl kubectl = api.get();
        boolean applied;
        Optional<JsonNode> job;
        try {
            applied = kubectl.get("helmchart", "kube-system", name).isPresent();
            job = kubectl.get("job", "kube-system", "helm-install-" + name);
        } catch (RuntimeException e) {
            return new AppRow(app.title(), name, false, "unknown", Health.FAIL, e.getMessage());
        }
        if (!applied) {
            return new AppRow(app.title(), name, false, job.isPresent() ? "left over" : "none", Health.FAIL,
                    "HelmChart kube-system/" + name + " is not in the cluster; run install");
        }
        if (job.isEmpty()) {
            return new AppRow(app.title(), name, true, "none", Health.WARN, "no job helm-install-" + name + " (yet)");
        }
        JsonNode status = job.get().path("status");
        String failed = condition(job.get(), "Failed");
        if (failed != null) {
            return new AppRow(app.title(), name, true, "failed", Health.FAIL, "job helm-install-" + name + " failed: " + failed);
        }
        if (condition(job.get(), "Complete") != null) {
            return new AppRow(app.title(), name, true, "complete", Health.OK, "job helm-install-" + name + " complete");
        }
        int attempts = status.path("failed").asInt(0);
        // D: with the default backOffLimit a failing job restarts for a long time instead of failing
        return new AppRow(app.title(), name, true, "running", attempts > 0 ? Health.FAIL : Health.WARN,
                "job helm-install-" + name + " running" + (attempts > 0 ? ", " + attempts + " failed attempt(s)" : ""));
    }

    /** The message of a True condition of this type, "" when it has none; null when there is no such condition. */
    private static String condition(JsonNode job, String type) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return c.path("message").asText(c.path("reason").asText(""));
            }
        }
        return null;
    }

    private PkiRow pkiRow(Inventory inventory) {
        PkiReport report;
        try {
            report = new PkiInspector(clock).inspect(new PkiLayout(inventory.pki().dir()),
                    ShowOptions.forDirectory(inventory.pki().expiryWarningDays()));
        } catch (RuntimeException e) {
            return new PkiRow("", "", null, Health.WARN, "cannot read the PKI directory here: " + e.getMessage());
        }
        Optional<PkiReport.CertificateFile> nearest = report.certificates().stream()
                .min(Comparator.comparingLong(c -> c.certificate().daysLeft()));
        if (nearest.isEmpty()) {
            return new PkiRow("", "", null, Health.WARN, "no certificate in " + inventory.pki().dir());
        }
        PkiReport.CertificateFile c = nearest.get();
        long days = c.certificate().daysLeft();
        Health health = days < 0 ? Health.FAIL : days < report.expiryWarningDays() ? Health.WARN : Health.OK;
        String detail = c.path() + (days < 0 ? " expired on " : " expires on ") + c.certificate().notAfter() + " (" + days + " days left"
                + (health == Health.WARN ? ", less than pki.expiryWarningDays " + report.expiryWarningDays() : "") + ")";
        return new PkiRow(c.path(), c.certificate().notAfter(), days, health, detail);
    }

    private static SnapshotRow snapshotRow(RunContext context, Map<Host, HostView> views) {
        String newest = null;
        String node = null;
        long newestTime = -1;
        long now = -1;
        List<String> errors = new ArrayList<>();
        Map<Host, HostView> servers = new LinkedHashMap<>();
        views.forEach((h, v) -> {
            if (h.role() == Role.SERVER && v.active() && v.facts() != null) {
                servers.put(h, v);
            }
        });
        for (HostView view : servers.values()) {
            List<Rke2Service.Snapshot> snapshots;
            try {
                snapshots = context.node(view.host()).rke2().snapshots();
            } catch (RuntimeException e) {
                errors.add(view.host().name() + ": " + e.getMessage());
                continue;
            }
            for (Rke2Service.Snapshot s : snapshots) {
                Matcher m = SNAPSHOT_TIME.matcher(s.name());
                if (m.find() && Long.parseLong(m.group(1)) > newestTime) {
                    newestTime = Long.parseLong(m.group(1));
                    newest = s.name();
                    node = view.host().name();
                    now = view.facts().clock().getEpochSecond(); // the host's clock wrote the name
                }
            }
        }
        if (newest == null) {
            String why = servers.isEmpty() ? "no server's unit is active" : errors.isEmpty() ? "no etcd snapshot yet" : String.join("; ", errors);
            return new SnapshotRow("", "", null, Health.WARN, why + " (scheduled snapshots run at 00:00 and 12:00 by default; "
                    + "`seed-bootstrap backup` takes one)");
        }
        long age = Math.max(0, now - newestTime);
        return new SnapshotRow(newest, node, age, age > 86_400 ? Health.WARN : Health.OK,
                newest + " on " + node + ", " + age / 3600 + " h " + (age % 3600) / 60 + " min old" + (age > 86_400 ? " (over a day)" : ""));
    }
}
