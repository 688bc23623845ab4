package io.seedbootstrap.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.Progress;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.node.FakeCluster;
import io.seedbootstrap.node.FakeNode;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Redactor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of phases against {@link FakeNode}s: an inventory (two servers and an agent unless the
 * test gives its own hosts), a {@link RunContext} whose nodes are in memory, and the material
 * install reads from the operator's side, made for real once per test JVM (a bundle signed from
 * the RKE2 contract double's artifacts, and a PKI from {@code pki init}).
 */
public final class FakeRun implements AutoCloseable {
    public static final String THREE_HOSTS = String.join("\n",
            "  - {name: s1, address: 10.0.0.11, role: server, bootstrap: true}",
            "  - {name: s2, address: 10.0.0.12, role: server}",
            "  - {name: a1, address: 10.0.0.13, role: agent}");

    /** What every run shares, made once: the bundle, its signing key, the PKI directory. */
    public record Material(Path bundle, BundleSigningKey key, Path pki) {
        public ClusterMaterial cluster() {
            return ClusterMaterial.load(pki);
        }
    }

    private static Material material;

    public static synchronized Material material() {
        if (material == null) {
            try {
                Path work = Files.createTempDirectory("fake-run-");
                Path mirror = TestBundles.mirror(work, TestBundles.rke2Artifacts(work));
                BundleSigningKey key = BundleSigningKey.generate();
                TestBundles.build(work, mirror, key, 4294967295L);
                Files.writeString(work.resolve("pki-inventory.yaml"), String.join("\n",
                        "cluster: {name: seed-lab, rke2Version: v1.35.7+rke2r1}",
                        "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                        "apps: {rancher: {enabled: false}, argocd: {enabled: false}}",
                        "hosts:",
                        "  - {name: s1, address: 10.0.0.11, role: server}", ""));
                CommandRunner.Result init = CommandRunner.run(Map.of(), work, "pki", "init", work.resolve("pki-inventory.yaml").toString());
                assertEquals(0, init.exitCode(), init.err());
                material = new Material(work.resolve("bundle"), key, work.resolve("pki"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the test material", e);
            }
        }
        return material;
    }

    private final Inventory inventory;
    private final FakeCluster cluster = new FakeCluster();
    private final Map<String, FakeNode> nodes = new LinkedHashMap<>();
    private final StringWriter stderr = new StringWriter();
    private final Reporter reporter;
    private final RunContext context;

    private FakeRun(Path dir, Inventory inventory, boolean dryRun, Duration waitTimeout, boolean connected) {
        this.inventory = inventory;
        this.reporter = new Reporter(new PrintWriter(stderr, true), dir.resolve("run.log"), Redactor.none(), false, Clock.systemUTC());
        this.context = new RunContext(new RunOptions(dryRun, dir.resolve("run.log"), waitTimeout, "20261127T100000.abcdef"), inventory,
                new Hosts(Hosts.Limits.defaults()), reporter);
        for (Host host : inventory.hosts()) {
            FakeNode node = new FakeNode(host, debian(host), cluster);
            nodes.put(host.name(), node);
            if (connected) {
                context.addNode(node);
                context.state().put(host.name(), GatherFacts.FACTS, node.facts());
            }
        }
    }

    /** A run over {@link #THREE_HOSTS} with the inventory's other settings given as YAML lines. */
    public static FakeRun of(Path dir, boolean dryRun, String... settings) {
        return withHosts(dir, dryRun, THREE_HOSTS, settings);
    }

    /**
     * @param settings top-level inventory YAML lines; lines indented by two spaces go into the
     *                 {@code cluster} section (e.g. {@code "  cni: cilium"})
     */
    public static FakeRun withHosts(Path dir, boolean dryRun, String hosts, String... settings) {
        return create(dir, dryRun, true, hosts, settings);
    }

    /** A run whose nodes exist but are not connected yet (for the Connect phase) and have no facts published. */
    public static FakeRun unconnected(Path dir) {
        return create(dir, false, false, THREE_HOSTS);
    }

    private static FakeRun create(Path dir, boolean dryRun, boolean connected, String hosts, String... settings) {
        List<String> lines = new ArrayList<>(List.of(
                "cluster:",
                "  name: seed-lab",
                "  rke2Version: v1.35.7+rke2r1",
                "  registrationAddress: 10.0.0.100"));
        for (String setting : settings) {
            if (setting.startsWith("  ")) {
                String key = setting.substring(0, setting.indexOf(':') + 1);
                lines.removeIf(l -> l.startsWith(key));
                lines.add(setting);
            }
        }
        settings = java.util.Arrays.stream(settings).filter(l -> !l.startsWith("  ")).toArray(String[]::new);
        lines.add("pki: {dir: " + material().pki() + "}");
        if (java.util.Arrays.stream(settings).noneMatch(l -> l.startsWith("apps:"))) {
            lines.add("apps: {rancher: {enabled: false}, argocd: {enabled: false}}");
        }
        lines.addAll(List.of(settings));
        lines.add("hosts:");
        lines.add(hosts);
        try {
            Path file = Files.writeString(dir.resolve("inventory-" + System.nanoTime() + ".yaml"), String.join("\n", lines) + "\n");
            Inventory inventory = new InventoryLoader(Environment.of(Map.of()), dir).loadOrThrow(file, LoadOptions.defaults()).inventory();
            return new FakeRun(dir, inventory, dryRun, Duration.ofSeconds(5), connected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Facts of a healthy Debian 12 host without RKE2. */
    public static HostFacts debian(Host host) {
        return facts(host, "debian", "", "", "", true, "x86_64", 8192);
    }

    /** Facts of a healthy Debian 12 host running RKE2 {@code version} (v1.35.7+rke2r1) from /usr/local. */
    public static HostFacts runningRke2(Host host, String version) {
        return facts(host, "debian", "", "/usr/local", "rke2 version " + version + " (0123abcd)", true, "x86_64", 8192);
    }

    /**
     * @param prefix      where RKE2 is installed, empty for none
     * @param versionLine what its --version printed
     */
    public static HostFacts facts(Host host, String osId, String osLike, String prefix, String versionLine, boolean usrLocalWritable,
            String machine, long memoryMiB) {
        return new HostFacts(host.name(), Integer.toHexString(host.name().hashCode()) + "00112233445566778899aabb", osId, "12", osId + " 12",
                machine, "6.1.0-18-amd64", 4, memoryMiB, 0, 100, List.of("127.0.0.1", host.address()), true,
                Instant.parse("2026-11-27T10:00:00Z"), usrLocalWritable, Set.of(), prefix, versionLine, osLike, host.address(),
                List.of("0.0.0.0:22"), Map.of(), "", false, Set.of("python3", "bash", "timeout", "ss"), Instant.parse("2026-11-27T10:00:00Z"));
    }

    /** This host's facts are now {@code facts} (as GatherFacts would have found them). */
    public FakeRun facts(String host, HostFacts facts) {
        node(host).facts(facts);
        context.state().put(host, GatherFacts.FACTS, facts);
        return this;
    }

    /** Verifies the shared bundle for real, as the VerifyBundle phase does, and publishes it. */
    public VerifiedBundle verifyBundle() {
        new VerifyBundle(material().bundle(), BundleVerifier.Trust.pinned(material().key().fingerprint(), "test"),
                new BundleVerifier(2, Progress.none())).run(context);
        return context.state().get(null, VerifyBundle.BUNDLE);
    }

    public RunContext context() {
        return context;
    }

    public Inventory inventory() {
        return inventory;
    }

    public Host host(String name) {
        return inventory.host(name).orElseThrow();
    }

    public FakeNode node(String name) {
        return nodes.get(name);
    }

    public FakeCluster cluster() {
        return cluster;
    }

    /** Runs the phase as the runner does: {@code shouldRun} first; returns whether it ran. */
    public boolean run(Phase phase) {
        context.enterPhase(phase.title());
        if (!phase.shouldRun(context)) {
            return false;
        }
        phase.run(context);
        return true;
    }

    /** The descriptions of the changes recorded for {@code host}, in order. */
    public List<String> changes(String host) {
        return context.plan().changes().stream().filter(c -> c.host().equals(host)).map(PlannedChange::description).toList();
    }

    public List<PlannedChange> allChanges() {
        return context.plan().changes();
    }

    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        reporter.close();
    }
}
