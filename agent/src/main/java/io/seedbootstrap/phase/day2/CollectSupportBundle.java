package io.seedbootstrap.phase.day2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.apps.SeedApp;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.RunPreflight;
import io.seedbootstrap.preflight.CheckResult;
import io.seedbootstrap.preflight.PreflightReport;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.supportbundle.SupportArchive;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code support-bundle}: what a vendor or a colleague needs to understand a broken seed without
 * logging in, collected read-only into one archive on the operator's side: per host its facts,
 * its preflight rows, the RKE2 unit's {@code systemctl status} and journal tail, RKE2's config
 * files; from a running server the node list and the seed apps' job logs; the operator's own
 * seed-bootstrap run logs. Every text is scrubbed as it is collected ({@link SupportArchive#add}),
 * so nothing unscrubbed is written; a host that cannot be reached, or an item that cannot be
 * read, is a row of the manifest, not a failure.
 */
public final class CollectSupportBundle implements Phase {
    /** RKE2's own configuration files (contract A.5), read where present; the token files are never read. */
    static final List<String> CONFIG_FILES = List.of(Rke2Paths.CONFIG, Rke2Paths.REGISTRIES, Rke2Paths.POD_SECURITY_CONFIG);
    static final String CONFIG_DROP_INS = Rke2Paths.CONFIG + ".d";
    /** Run logs of the operator's machine, newest first, at most this many. */
    static final int MAX_RUN_LOGS = 20;

    /**
     * @param target       the archive to write
     * @param journalLines how many lines of each unit's journal and job log
     * @param runLogs      the operator's seed-bootstrap run logs folder (may be missing)
     * @param secrets      every secret known on the operator's side (inventory, its ${ENV} values, PKI tokens, saved passwords)
     * @param createdBy    seed-bootstrap's version line
     */
    public record Settings(Path target, int journalLines, Path runLogs, List<Secret> secrets, String createdBy, Clock clock) {
        public Settings {
            secrets = List.copyOf(secrets);
        }
    }

    /** What was written, for the command's summary. */
    public record Written(Path archive, List<SupportArchive.HostRow> hosts, int entries, int redactions) {}

    public static final io.seedbootstrap.phase.RunState.Key<Written> WRITTEN =
            io.seedbootstrap.phase.RunState.Key.of("support-bundle", Written.class);

    private final List<Host> hosts;
    private final Settings settings;

    public CollectSupportBundle(List<Host> hosts, Settings settings) {
        this.hosts = List.copyOf(hosts);
        this.settings = settings;
    }

    @Override
    public String title() {
        return "Collect the support bundle";
    }

    @Override
    public void run(RunContext context) {
        Inventory inventory = context.inventory();
        Instant now = settings.clock().instant();
        String folder = "support-" + inventory.cluster().name() + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
        SupportArchive archive = new SupportArchive(Redactor.of(settings.secrets()), folder);
        Optional<PreflightReport> preflight = context.state().find(null, RunPreflight.REPORT);
        Map<Host, SupportArchive.HostRow> rows = context.hosts().parallel(hosts, Host::name,
                host -> collectHost(context, host, archive, preflight));
        List<SupportArchive.HostRow> hostRows = new ArrayList<>(rows.values());
        collectCluster(context, inventory, archive, rows);
        collectRunLogs(archive);
        preflight.ifPresent(report -> archive.add("preflight.txt", "preflight (operator)", io.seedbootstrap.preflight.PreflightTable.render(report)));
        context.change(RunContext.OPERATOR, "write the support bundle " + settings.target() + " (0600)",
                () -> archive.write(settings.target(), inventory.cluster().name(), settings.createdBy(), hostRows, now));
        int redactions = archive.entries().stream().mapToInt(e -> e.redactions().size()).sum();
        context.state().put(null, WRITTEN, new Written(settings.target(), hostRows, archive.entries().size() + 1, redactions));
    }

    private SupportArchive.HostRow collectHost(RunContext context, Host host, SupportArchive archive, Optional<PreflightReport> preflight) {
        String role = host.role().key();
        String dir = "hosts/" + host.name() + "/";
        preflight.ifPresent(report -> archive.add(dir + "preflight.txt", "preflight rows of " + host.name(), rows(report, host.name())));
        Optional<RuntimeException> failure = context.state().find(host.name(), Connect.FAILURE);
        if (failure.isPresent()) {
            return new SupportArchive.HostRow(host.name(), role, "unreachable", archive.clean(failure.get().getMessage()), List.of());
        }
        Node node = context.node(host);
        List<String> notes = new ArrayList<>();
        try {
            HostFacts facts = node.probes().facts();
            context.state().put(host.name(), GatherFacts.FACTS, facts); // the rke2 binary's prefix for later reads
            archive.add(dir + "facts.json", "facts probe on " + host.name(), tree(facts));
        } catch (RuntimeException e) {
            notes.add("facts: " + archive.clean(e.getMessage()));
        }
        String unit = node.rke2().unit();
        item(notes, archive, "systemctl status", () -> archive.add(dir + "systemctl-status-" + unit + ".txt",
                "systemctl status " + unit + " on " + host.name(), node.rke2().unitStatus()));
        item(notes, archive, "journal", () -> archive.add(dir + "journal-" + unit + ".txt",
                "journalctl -u " + unit + " -n " + settings.journalLines() + " on " + host.name(), node.rke2().journal(settings.journalLines())));
        item(notes, archive, "RKE2 configuration", () -> {
            NodeFiles files = node.files();
            List<String> paths = new ArrayList<>(CONFIG_FILES);
            paths.addAll(files.list(List.of(CONFIG_DROP_INS)));
            for (String path : paths) {
                files.readIfPresent(path).ifPresent(text -> archive.add(dir + "files" + path, path + " on " + host.name(), text));
            }
        });
        return new SupportArchive.HostRow(host.name(), role, notes.isEmpty() ? "collected" : "partial", "", notes);
    }

    /** One item of a host; a failure is a note of the host's row, the rest goes on. */
    private static void item(List<String> notes, SupportArchive archive, String what, Runnable collect) {
        try {
            collect.run();
        } catch (RuntimeException e) {
            notes.add(what + ": " + archive.clean(e.getMessage()));
        }
    }

    /** From the bootstrap server, else another reachable server whose API answers: the node list and the seed apps' jobs. */
    private void collectCluster(RunContext context, Inventory inventory, SupportArchive archive, Map<Host, SupportArchive.HostRow> rows) {
        List<Host> servers = new ArrayList<>(inventory.servers());
        servers.sort(Comparator.comparing(h -> !h.equals(inventory.bootstrapServer())));
        for (Host server : servers) {
            if (!rows.containsKey(server) || rows.get(server).state().equals("unreachable")) {
                continue;
            }
            Kubectl kubectl = context.node(server).kubectl();
            Optional<List<NodeStatus>> nodes;
            try {
                nodes = kubectl.nodes();
            } catch (RuntimeException e) {
                nodes = Optional.empty();
            }
            if (nodes.isEmpty()) {
                continue;
            }
            archive.add("cluster/nodes.json", "kubectl get nodes on " + server.name(), Json.json().valueToTree(nodes.get()));
            for (SeedApp app : SeedApps.enabled(inventory)) {
                String job = "helm-install-" + app.helmChart();
                try {
                    kubectl.get("job", "kube-system", job).ifPresent(j -> archive.add("cluster/apps/" + job + ".json",
                            "kubectl get job kube-system/" + job + " on " + server.name(), withoutManagedFields(j)));
                    archive.add("cluster/apps/" + job + ".log", "kubectl logs job/" + job + " on " + server.name(),
                            kubectl.logs("kube-system", "job/" + job, settings.journalLines()));
                } catch (RuntimeException e) {
                    archive.add("cluster/apps/" + job + ".error", "kubectl on " + server.name(), e.getMessage());
                }
            }
            return;
        }
        archive.add("cluster/NOT-COLLECTED.txt", "seed-bootstrap", "No server's API answered: the node list and the seed apps' job logs "
                + "are not in this bundle.\n");
    }

    private static JsonNode withoutManagedFields(JsonNode object) {
        JsonNode copy = object.deepCopy();
        if (copy.path("metadata") instanceof ObjectNode metadata) {
            metadata.remove("managedFields");
        }
        return copy;
    }

    /** The operator's seed-bootstrap run logs, newest first. */
    private void collectRunLogs(SupportArchive archive) {
        Path dir = settings.runLogs();
        if (dir == null || !Files.isDirectory(dir)) {
            archive.add("operator/NO-RUN-LOGS.txt", "seed-bootstrap", "No run logs in " + dir + ".\n");
            return;
        }
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".log"))
                    .sorted(Comparator.comparing(CollectSupportBundle::modified).reversed()).limit(MAX_RUN_LOGS).toList();
        } catch (IOException e) {
            archive.add("operator/NO-RUN-LOGS.txt", "seed-bootstrap", "Cannot list " + dir + ": " + e.getMessage() + "\n");
            return;
        }
        for (Path log : logs) {
            try {
                archive.add("operator/logs/" + log.getFileName(), log.toString(), Files.readString(log));
            } catch (IOException | java.io.UncheckedIOException e) {
                archive.add("operator/logs/" + log.getFileName() + ".error", log.toString(), "cannot read: " + e.getMessage() + "\n");
            }
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The preflight rows of one host, as text. */
    private static String rows(PreflightReport report, String host) {
        StringBuilder out = new StringBuilder();
        for (CheckResult r : report.results()) {
            if (r.host().equals(host)) {
                out.append(String.format("%-24s %-7s %s%n", r.check().key(), r.result(), r.detail()));
            }
        }
        return out.toString();
    }

    /** A record as JSON, times as ISO text (no java.time module needed). */
    static JsonNode tree(Record record) {
        ObjectNode node = Json.json().createObjectNode();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value instanceof Instant || value instanceof Enum<?>) {
                node.put(component.getName(), value.toString());
            } else if (value instanceof Map<?, ?> map) {
                ObjectNode m = node.putObject(component.getName());
                map.forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
            } else if (value instanceof java.util.Collection<?> list) {
                ArrayNode a = node.putArray(component.getName());
                list.forEach(v -> a.add(String.valueOf(v)));
            } else {
                node.set(component.getName(), Json.json().valueToTree(value));
            }
        }
        return node;
    }
}
