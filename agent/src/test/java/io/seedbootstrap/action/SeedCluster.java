package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.bundle.BundleBuilder;
import io.seedbootstrap.bundle.LocalMirror;
import io.seedbootstrap.bundle.Progress;
import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension with everything an end-to-end test of seed-bootstrap needs besides its
 * scenario: test machines ({@link TestMachines}), a bundle built and signed from the RKE2 contract
 * double's artifacts (test-vms/rke2-double: a test double, not RKE2) and the same content stored
 * as parts, a PKI made by {@code pki init}, inventories pointing at the machines, seed-bootstrap
 * run in-process or as the jar, and what the double records in its datastore.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SeedCluster cluster = SeedCluster.builder().servers(3).agents(2).build();
 *
 * Path inventory = cluster.inventory("ha-it").registrationAddress(cluster.get(0)).write();
 * CommandRunner.Result result = cluster.run("install", inventory.toString());
 * }</pre>
 *
 * <p>Register it on a <b>static</b> field: the machines start, and the bundle and PKI are made
 * (RSA 2048 keeps {@code pki init} fast), once before all tests of the class; the machines are
 * removed after them. Without a Docker engine every test is skipped with the reason
 * ({@link TestMachines}); a class's own {@code @BeforeAll} then checks {@link #ready()}.
 */
public final class SeedCluster implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    public static final String RKE2_VERSION = "v1.35.7+rke2r1";
    /** kubectl as root on a server, with RKE2's admin kubeconfig (contract A.4). */
    public static final String KUBECTL = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml ";
    /** The operator's host name for runs of the jar: one operator, so a killed run's lock is taken over by the next. */
    static final String OPERATOR_HOST = "seed-cluster-it-operator";
    private static final String ETCDCTL = "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379";

    private final int servers;
    private final int agents;
    private final int bundlePadding;
    private final boolean withRuntime;
    private TestMachines machines;
    private Path work;
    private Path bundle;
    private Path splitBundle;
    private BundleSigningKey signingKey;

    private SeedCluster(Builder builder) {
        this.servers = builder.servers;
        this.agents = builder.agents;
        this.bundlePadding = builder.bundlePadding;
        this.withRuntime = builder.withRuntime;
        this.machines = TestMachines.builder().count(servers + agents).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // --- JUnit lifecycle ------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        machines.beforeAll(context);
        if (!machines.machines().isEmpty()) {
            buildBundleAndPki();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        machines.beforeEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        machines.close();
    }

    /** Whether the machines run and the bundle and PKI are made (false when Docker is missing: the tests are skipped). */
    public boolean ready() {
        return signingKey != null && !machines.machines().isEmpty();
    }

    // --- the machines ---------------------------------------------------------------------

    /** The machines, servers first then agents, as the builder said. */
    public List<TestMachine> machines() {
        return machines.machines();
    }

    public TestMachine get(int index) {
        return machines.get(index);
    }

    /** The role the builder gives machine {@code index}: {@code server} for the first ones, then {@code agent}. */
    public String role(int index) {
        return index < servers ? "server" : "agent";
    }

    /** The machines' network, e.g. {@code 10.213.140.0/24}. */
    public String subnet() {
        return machines.subnet();
    }

    public Path privateKey() {
        return machines.privateKey();
    }

    public Path knownHosts() {
        return machines.knownHosts();
    }

    /**
     * Every machine is lost: they are removed, and as many new ones (named {@code new1..newN}, on
     * another network, so other addresses) take their place in {@link #machines()}. The bundle, the
     * PKI and the operator's state stay.
     */
    public void loseEveryMachine() {
        replaceEveryMachine(TestMachines.builder().count(servers + agents).namePrefix("new"));
    }

    /** As {@link #loseEveryMachine()}, and on the new machines {@code admin} needs {@code sudoPassword} for sudo. */
    public void loseEveryMachine(String sudoPassword) {
        replaceEveryMachine(TestMachines.builder().count(servers + agents).namePrefix("new").sudoPassword(sudoPassword));
    }

    private void replaceEveryMachine(TestMachines.Builder newMachines) {
        machines.close();
        machines = newMachines.build();
        machines.start();
    }

    // --- the operator's side --------------------------------------------------------------

    /** The operator's folder: bundles, the PKI, inventories, kubeconfigs, state and logs. */
    public Path work() {
        return work;
    }

    /** The signed bundle. */
    public Path bundle() {
        return bundle;
    }

    /** The same content stored as parts (16 KiB; 64 MiB with padding), as a FAT32 stick holds files over 4 GiB. */
    public Path splitBundle() {
        return splitBundle;
    }

    public BundleSigningKey signingKey() {
        return signingKey;
    }

    /** The PKI {@code pki init} made. */
    public Path pki() {
        return work.resolve("pki");
    }

    /** An inventory of the cluster's machines named {@code name}, written as {@code <work>/<name>.yaml}. */
    public InventoryFile inventory(String name) {
        return new InventoryFile(name);
    }

    /** seed-bootstrap in this JVM, with the operator's state and cache under {@link #work()}. */
    public CommandRunner.Result run(String... args) {
        return run(Map.of(), args);
    }

    /** With more environment, e.g. {@code SEED_DR_PASSPHRASE} for backup and restore. */
    public CommandRunner.Result run(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("XDG_STATE_HOME", work.resolve("state").toString());
        all.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        return CommandRunner.run(all, work, args);
    }

    /** seed-bootstrap as a process of its own (the jar {@code mvn package} built), stdout and stderr as one stream. */
    public Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** With more environment, e.g. {@code SEED_DR_PASSPHRASE} for upgrade's snapshot. */
    public Process start(Map<String, String> env, String... args) throws IOException {
        // env --default-signal=INT: a shell without job control starts background jobs with SIGINT
        // ignored, the JVM then keeps it ignored, and a test's Ctrl-C would never reach the run
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                "java", "-jar", Path.of("target/seed-bootstrap.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_STATE_HOME", work.resolve("state").toString());
        builder.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        builder.environment().put("HOSTNAME", OPERATOR_HOST);
        builder.environment().remove("SEED_DR_PASSPHRASE"); // only what a test gives
        builder.environment().putAll(env);
        return builder.start();
    }

    /** All a started process writes, until it closes its output. */
    public static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The run logs so far, oldest first. */
    public List<Path> runLogs() throws IOException {
        try (Stream<Path> files = Files.list(work.resolve("state/seed-bootstrap/logs"))) {
            return files.sorted().toList();
        }
    }

    /** Every run log so far as one text. */
    public String runLogText() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path log : runLogs()) {
            all.append(Files.readString(log));
        }
        return all.toString();
    }

    // --- what the RKE2 contract double records (test-vms/rke2-double/README.md) ------------

    /** One record the double keeps for tests; {@code nanos} is the wall-clock time from its key. */
    public record DoubleRecord(long nanos, JsonNode value) {
        public String text(String field) {
            return value.path(field).asText();
        }
    }

    /** Every join attempt the double saw, read with etcdctl on {@code server}. */
    public static List<DoubleRecord> joins(TestMachine server) throws IOException {
        return doubleRecords(server, "/registry/double/joins/");
    }

    /** Every {@code --cluster-reset} the double ran. */
    public static List<DoubleRecord> clusterResets(TestMachine server) throws IOException {
        return doubleRecords(server, "/registry/double/cluster-resets/");
    }

    /**
     * A bundle of another release of the double ({@code make-artifacts.sh --version}), signed with
     * this cluster's key, the same bill of materials otherwise: what an upgrade (or an install at
     * an older version) is given.
     */
    public Path bundleOf(String version) throws Exception {
        return bundleOf(version, 0);
    }

    /** {@link #bundleOf(String)} with its core image archive padded by {@code paddingBytes} (so its upload can be interrupted). */
    public Path bundleOf(String version, int paddingBytes) throws Exception {
        Path dir = Files.createDirectories(work.resolve("release-" + version));
        Path artifacts = TestBundles.rke2Artifacts(dir, version);
        if (paddingBytes > 0) {
            pad(artifacts, "rke2-images-core.linux-amd64.tar.zst", paddingBytes);
        }
        Path mirror = TestBundles.mirror(dir, artifacts);
        TestBundles.build(dir, mirror, signingKey, 4294967295L, TestBundles.bom().replace(RKE2_VERSION, version));
        return dir.resolve("bundle");
    }

    /** A copy of {@code inventory} whose cluster.rke2Version is {@code version}. */
    public static Path atVersion(Path inventory, String version) throws IOException {
        Path file = inventory.resolveSibling(inventory.getFileName().toString().replace(".yaml", "-" + version.replace('+', '-') + ".yaml"));
        Files.writeString(file, Files.readString(inventory).replace("rke2Version: " + RKE2_VERSION, "rke2Version: " + version));
        return file;
    }

    /** Every start of a server the double recorded (node, version, time), read with etcdctl on {@code server}. */
    public static List<DoubleRecord> serverStarts(TestMachine server) throws IOException {
        return doubleRecords(server, "/registry/double/starts/");
    }

    /** The etcd members as {@code etcdctl member list -w json} shows them. */
    public static JsonNode etcdMembers(TestMachine server) throws IOException {
        return new ObjectMapper().readTree(server.sh(ETCDCTL + " member list -w json").orThrow("etcd members").stdout()).path("members");
    }

    private static List<DoubleRecord> doubleRecords(TestMachine server, String prefix) throws IOException {
        // keys and values alternate, one per line
        List<String> lines = server.sh(ETCDCTL + " get --prefix " + prefix).orThrow("read " + prefix).stdout().lines()
                .filter(l -> !l.isBlank()).toList();
        List<DoubleRecord> records = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            records.add(new DoubleRecord(Long.parseLong(lines.get(i).substring(prefix.length())), json.readTree(lines.get(i + 1))));
        }
        return records;
    }

    // --- set-up ---------------------------------------------------------------------------

    private void buildBundleAndPki() throws Exception {
        work = Files.createTempDirectory("install-it-");
        Path artifacts = TestBundles.rke2Artifacts(work);
        if (bundlePadding > 0) {
            pad(artifacts, "rke2-images-core.linux-amd64.tar.zst", bundlePadding);
        }
        Path mirror = TestBundles.mirror(work, artifacts);
        BundleSigningKey key = BundleSigningKey.generate();
        if (withRuntime) {
            // as bundle create --with-runtime: the jar mvn package built, a jlink-ed runtime, the launcher
            Path jar = Path.of("target/seed-bootstrap.jar").toAbsolutePath();
            new BundleBuilder(Progress.none()).build(new BundleBuilder.Request(TestBundles.loadBom(work, TestBundles.bom()),
                    new LocalMirror(mirror), work.resolve("bundle"), key, 4294967295L, TestBundles.BUILD_TIME, "seed-bootstrap test",
                    new BundleBuilder.WithRuntime(jar, "test")));
        } else {
            TestBundles.build(work, mirror, key, 4294967295L);
        }
        Path split = Files.createDirectories(work.resolve("split"));
        // parts of 16 KiB for the small files; a padded archive would need more parts than a bundle allows
        TestBundles.build(split, mirror, key, bundlePadding > 0 ? 64L << 20 : 16384);
        Path pkiInventory = work.resolve("pki-inventory.yaml");
        Files.writeString(pkiInventory, String.join("\n",
                "cluster: {name: seed-it, rke2Version: " + RKE2_VERSION + "}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "apps: {rancher: {hostname: rancher.it.example.internal}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        CommandRunner.Result init = CommandRunner.run(Map.of(), work, "pki", "init", pkiInventory.toString());
        assertEquals(0, init.exitCode(), init.err());
        bundle = work.resolve("bundle");
        splitBundle = split.resolve("bundle");
        signingKey = key;
    }

    /**
     * {@code paddingBytes} of incompressible data added inside an image archive (as a layer would
     * be), so an upload lasts long enough to be interrupted; the release checksum file is rewritten
     * to match, as a real release lists its real archives.
     */
    private static void pad(Path artifacts, String name, int paddingBytes) throws IOException {
        Path archive = artifacts.resolve(name);
        Path padded = artifacts.resolve(name + ".new");
        try (var in = new TarArchiveInputStream(new ZstdCompressorInputStream(Files.newInputStream(archive)));
                var out = new TarArchiveOutputStream(new ZstdCompressorOutputStream(Files.newOutputStream(padded), 1))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putArchiveEntry(entry);
                in.transferTo(out);
                out.closeArchiveEntry();
            }
            var filler = new TarArchiveEntry("filler-layer.bin");
            filler.setSize(paddingBytes);
            out.putArchiveEntry(filler);
            out.write(TestBundles.randomBytes(paddingBytes, 42));
            out.closeArchiveEntry();
        }
        Files.move(padded, archive, StandardCopyOption.REPLACE_EXISTING);
        Path sums = artifacts.resolve("sha256sum-amd64.txt");
        StringBuilder rewritten = new StringBuilder();
        for (String line : Files.readAllLines(sums)) {
            rewritten.append(line.endsWith(name) ? TestBundles.sha256(archive) + "  " + name : line).append('\n');
        }
        Files.writeString(sums, rewritten);
    }

    /**
     * An inventory of ours: the signed bundle pinned by its key's fingerprint, the PKI, canal,
     * Rancher and ArgoCD off unless {@link #apps} says otherwise, the hosts labelled
     * {@code seed.example/it: "yes"}, the first one the bootstrap server.
     */
    public final class InventoryFile {
        private final String name;
        private final Map<TestMachine, String> hosts = new LinkedHashMap<>();
        private final Map<TestMachine, String> nodeNames = new HashMap<>();
        private final List<String> sshLines = new ArrayList<>();
        private final List<String> extraHosts = new ArrayList<>();
        private final List<String> sections = new ArrayList<>();
        private List<String> apps = List.of("apps: {rancher: {enabled: false}, argocd: {enabled: false}}");
        private String registrationAddress;
        private Path pkiDir;

        private InventoryFile(String name) {
            this.name = name;
        }

        /** Servers, in order; without any {@code server}/{@code agent} call, every machine in the builder's role. */
        public InventoryFile server(TestMachine... machines) {
            for (TestMachine m : machines) {
                hosts.put(m, "server");
            }
            return this;
        }

        public InventoryFile agent(TestMachine... machines) {
            for (TestMachine m : machines) {
                hosts.put(m, "agent");
            }
            return this;
        }

        /**
         * The nodes register through {@code server}'s address, standing in for the fixed
         * registration address an HA cluster needs (contract A.10.1: one address forwarding 9345 and 6443).
         */
        public InventoryFile registrationAddress(TestMachine server) {
            this.registrationAddress = server.ip();
            return this;
        }

        /** The PKI in another folder (a restore writes the archive's PKI there). */
        public InventoryFile pkiDir(Path dir) {
            this.pkiDir = dir;
            return this;
        }

        /** The machine joins under another node name (a new machine taking a lost one's name). */
        public InventoryFile nodeName(TestMachine machine, String nodeName) {
            nodeNames.put(machine, nodeName);
            return this;
        }

        /** One more key of the {@code ssh} section, e.g. {@code connectTimeoutSeconds: 3}. */
        public InventoryFile ssh(String line) {
            sshLines.add("  " + line);
            return this;
        }

        /** One more host, as a YAML flow mapping ({@code {name: gone-1, address: ..., role: agent}}). */
        public InventoryFile host(String flowMapping) {
            extraHosts.add("  - " + flowMapping);
            return this;
        }

        /** The {@code apps} section, in place of Rancher and ArgoCD off. */
        public InventoryFile apps(String... lines) {
            this.apps = List.of(lines);
            return this;
        }

        /** More top-level sections ({@code registries}, {@code metallb}, ...). */
        public InventoryFile with(String... lines) {
            sections.addAll(List.of(lines));
            return this;
        }

        public Path write() {
            Map<TestMachine, String> roles = new LinkedHashMap<>(hosts);
            if (roles.isEmpty()) {
                for (int i = 0; i < machines().size(); i++) {
                    roles.put(get(i), role(i));
                }
            }
            List<String> lines = new ArrayList<>(List.of(
                    "cluster:",
                    "  name: " + name,
                    "  rke2Version: " + RKE2_VERSION,
                    "  cni: canal"));
            if (registrationAddress != null) {
                lines.add("  registrationAddress: " + registrationAddress);
            }
            lines.addAll(List.of(
                    "ssh:",
                    "  user: admin",
                    "  identityFile: " + privateKey(),
                    "  knownHosts: " + knownHosts()));
            lines.addAll(sshLines);
            lines.addAll(List.of(
                    "bundle:",
                    "  path: " + bundle,
                    "  signingKeyFingerprint: \"" + signingKey.fingerprint() + "\"",
                    "pki: {dir: " + (pkiDir != null ? pkiDir : pki()) + ", rsaKeyBits: 2048}"));
            lines.addAll(apps);
            lines.addAll(sections);
            lines.add("hosts:");
            boolean first = true;
            for (Map.Entry<TestMachine, String> host : roles.entrySet()) {
                TestMachine m = host.getKey();
                String nodeName = nodeNames.containsKey(m) ? ", nodeName: " + nodeNames.get(m) : "";
                lines.add("  - {name: " + m.name() + nodeName + ", address: " + m.ip() + ", role: " + host.getValue()
                        + (first ? ", bootstrap: true" : "") + ", labels: {seed.example/it: \"yes\"}}");
                first = false;
            }
            lines.addAll(extraHosts);
            Path file = work.resolve(name + ".yaml");
            try {
                Files.writeString(file, String.join("\n", lines) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }
    }

    public static final class Builder {
        private int servers = 1;
        private int agents;
        private int bundlePadding;
        private boolean withRuntime;

        private Builder() {}

        /** The bundle also carries seed-bootstrap: its jar, a Java runtime and the launcher (bundle create --with-runtime). */
        public Builder withRuntime() {
            this.withRuntime = true;
            return this;
        }

        /** Machines {@code vm1..vmN} in the role server (default 1). */
        public Builder servers(int count) {
            this.servers = count;
            return this;
        }

        /** Machines after the servers, in the role agent (default 0). */
        public Builder agents(int count) {
            this.agents = count;
            return this;
        }

        /**
         * {@code bytes} of incompressible data inside the core image archive (as a layer would be),
         * so its upload lasts long enough to be interrupted.
         */
        public Builder bundlePadding(int bytes) {
            this.bundlePadding = bytes;
            return this;
        }

        public SeedCluster build() {
            if (servers < 1 || agents < 0) {
                throw new IllegalArgumentException("a cluster needs a server: " + servers + " server(s), " + agents + " agent(s)");
            }
            return new SeedCluster(this);
        }
    }
}
