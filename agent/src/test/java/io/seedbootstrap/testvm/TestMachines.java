package io.seedbootstrap.testvm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * JUnit 5 extension that gives a test class N test machines built by
 * {@code test-vms/build-image.sh}: systemd as PID 1, OpenSSH with per-machine host keys,
 * {@code admin} with sudo, each with a static IP on a private Docker network created for
 * the run, a fresh SSH key pair and a known_hosts file holding the machines' real host keys.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestMachines machines = TestMachines.builder().count(3).build();
 * }</pre>
 *
 * <p>Register it on a <b>static</b> field: the machines start once before all tests of the
 * class and are removed after them. Without a reachable Docker engine the class is skipped
 * with the reason, except when the {@code CI} environment variable is set: then it fails.
 * Needs {@code TESTCONTAINERS_RYUK_DISABLED=true} and {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}
 * in the environment on this machine kind (set by failsafe), since nothing can be pulled.
 */
public final class TestMachines implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, AutoCloseable {

    /** Label on every container and network this fixture creates (for manual clean-up). */
    public static final String LABEL = "io.seedbootstrap.testvm";
    public static final String DEFAULT_IMAGE = "seed-bootstrap-testvm:latest";

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int count;
    private final String namePrefix;
    private final String image;
    private final String subnet;
    private final String sudoPassword;

    private final String runId = newRunId();
    private final List<TestMachine> machines = new ArrayList<>();
    private Network network;
    private String networkSubnet;
    private Path dir;
    private Thread shutdownHook;
    private String skipReason;

    private TestMachines(Builder b) {
        this.count = b.count;
        this.namePrefix = b.namePrefix;
        this.image = b.image;
        this.subnet = b.subnet;
        this.sudoPassword = b.sudoPassword;
    }

    private static String newRunId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    // --- JUnit lifecycle ------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            start();
        } catch (TestAbortedException e) {
            // Aborting here would hide the tests from the surefire/failsafe summary; abort
            // each test instead, so they show up as skipped, and say why once.
            skipReason = e.getMessage();
            System.err.println("test-vms: " + context.getDisplayName() + " " + skipReason);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (skipReason != null) {
            throw new TestAbortedException(skipReason);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    // --- accessors ------------------------------------------------------------------------

    public List<TestMachine> machines() {
        return List.copyOf(machines);
    }

    /** Machine by 0-based index. */
    public TestMachine get(int index) {
        return machines.get(index);
    }

    public TestMachine byName(String name) {
        return machines.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no machine " + name + " in " + machines));
    }

    /** The machines' network (pass to other containers that must reach them). */
    public Network network() {
        return network;
    }

    /** Subnet of the machines' network, e.g. {@code 10.213.140.0/24}. */
    public String subnet() {
        return networkSubnet;
    }

    /** Folder with {@code id_ed25519}, {@code id_ed25519.pub} and {@code known_hosts} (0700). */
    public Path dir() {
        return dir;
    }

    public Path privateKey() {
        return dir.resolve("id_ed25519");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    // --- start / stop ---------------------------------------------------------------------

    /** Starts the machines (called by {@link #beforeAll}); for use outside JUnit too. */
    public synchronized void start() {
        if (!machines.isEmpty()) {
            return;
        }
        requireDocker();
        try {
            ensureImage();
            dir = Files.createTempDirectory("seed-testvm-" + runId + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            String publicKey = generateKeyPair();
            shutdownHook = new Thread(this::close, "seed-testvm-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            createNetwork();

            String[] base = networkSubnet.substring(0, networkSubnet.indexOf('/')).split("\\.");
            for (int i = 0; i < count; i++) {
                String name = namePrefix + (i + 1);
                String ip = base[0] + "." + base[1] + "." + base[2] + "." + (11 + i);
                machines.add(new TestMachine(name, ip, container(name, ip, publicKey),
                        privateKey(), knownHosts(), sudoPassword));
            }
            Startables.deepStart(machines.stream().map(TestMachine::container)).get(2, TimeUnit.MINUTES);
            waitForSystemd();
            writeKnownHosts();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("test machines did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting test machines", e);
        }
    }

    /** Removes the machines, the network and the key folder. Safe to call more than once. */
    @Override
    public synchronized void close() {
        for (TestMachine m : machines) {
            try {
                m.container().stop();
            } catch (RuntimeException e) {
                System.err.println("test-vms: could not remove " + m.name() + ": " + e.getMessage());
            }
        }
        machines.clear();
        if (network != null) {
            try {
                network.close();
            } catch (RuntimeException e) {
                System.err.println("test-vms: could not remove network: " + e.getMessage());
            }
            network = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("test-vms: could not delete " + dir + ": " + e.getMessage());
            }
            dir = null;
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        shutdownHook = null;
    }

    // --- steps ----------------------------------------------------------------------------

    /** Skip locally without Docker, but never in CI: a CI run without Docker must fail. */
    private static void requireDocker() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        String hint = "no Docker engine reachable: start one with `bash test-vms/start-docker.sh`"
                + " (test machines need it)";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            throw new IllegalStateException("CI=" + ci + " and " + hint);
        }
        throw new TestAbortedException("skipped: " + hint);
    }

    private void ensureImage() throws IOException, InterruptedException {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException e) {
            // built below
        }
        Path script = findRepoFile("test-vms/build-image.sh");
        if (!image.equals(DEFAULT_IMAGE) || script == null) {
            throw new IllegalStateException("image " + image + " not found; build it with `bash test-vms/build-image.sh`");
        }
        System.err.println("test-vms: image " + image + " missing, running " + script + " (about a minute cold)");
        Process p = new ProcessBuilder("bash", script.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " failed; run it by hand to see why");
        }
    }

    private String generateKeyPair() throws IOException, InterruptedException {
        Path key = privateKey();
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                "-C", "seed-bootstrap-testvm-" + runId, "-f", key.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed (is openssh-client installed? "
                    + "test-vms/start-docker.sh installs it): " + out);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return Files.readString(dir.resolve("id_ed25519.pub")).trim();
    }

    /** A /24 of our own; a random one unless given, so parallel runs do not collide. */
    private void createNetwork() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            String cidr = subnet != null ? subnet : "10.213." + (100 + RANDOM.nextInt(150)) + ".0/24";
            String prefix = cidr.substring(0, cidr.lastIndexOf('.'));
            Network candidate = Network.builder()
                    .createNetworkCmdModifier(cmd -> cmd
                            .withName("seed-testvm-" + runId)
                            .withLabels(Map.of(LABEL, "junit", LABEL + ".run", runId))
                            .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                                    .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config()
                                            .withSubnet(cidr)
                                            .withGateway(prefix + ".1"))))
                    .build();
            try {
                candidate.getId(); // creates it now, so an overlapping subnet fails here
                network = candidate;
                networkSubnet = cidr;
                return;
            } catch (RuntimeException e) {
                last = e;
                if (subnet != null) {
                    break;
                }
            }
        }
        throw new IllegalStateException("could not create a Docker network for the test machines"
                + (subnet != null ? " on " + subnet : "") + ": " + last.getMessage(), last);
    }

    @SuppressWarnings("resource")
    private GenericContainer<?> container(String name, String ip, String publicKey) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetwork(network)
                .withNetworkAliases(name)
                .withExposedPorts(22)
                .withEnv("TESTVM_AUTHORIZED_KEYS", publicKey)
                .withLabel(LABEL, "junit")
                .withLabel(LABEL + ".run", runId)
                .waitingFor(Wait.forListeningPort().withStartupTimeout(BOOT_TIMEOUT))
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("seed-testvm-" + runId + "-" + name).withHostName(name).withIpv4Address(ip);
                    // As measured in test-vms-recipe.md: every capability but SYS_RESOURCE
                    // (missing from this host's bounding set), and never SYS_TIME/SYS_MODULE,
                    // so a machine cannot change the clock or modules of the shared kernel.
                    cmd.getHostConfig()
                            .withCapAdd(Capability.ALL)
                            .withCapDrop(Capability.SYS_RESOURCE, Capability.SYS_TIME, Capability.SYS_MODULE)
                            .withSecurityOpts(List.of("seccomp=unconfined"))
                            .withCgroupnsMode("private")
                            .withTmpFs(Map.of("/run", "", "/run/lock", ""));
                });
        if (sudoPassword != null) {
            c.withEnv("TESTVM_SUDO_PASSWORD", sudoPassword);
        }
        return c;
    }

    private void waitForSystemd() throws InterruptedException, ExecutionException, TimeoutException {
        List<CompletableFuture<Void>> waits = machines.stream()
                .map(m -> CompletableFuture.runAsync(() -> waitForSystemd(m)))
                .collect(Collectors.toList());
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
                .get(BOOT_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
    }

    private static void waitForSystemd(TestMachine m) {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            // Fails at once until systemd's bus is up; --wait then blocks until boot is done.
            state = m.exec("systemctl", "is-system-running", "--wait").stdout().trim();
            if (state.equals("running")) {
                return;
            }
            if (state.equals("degraded")) {
                throw new IllegalStateException(m.name() + ": systemd degraded, failed units:\n"
                        + m.exec("systemctl", "--failed", "--no-legend", "--no-pager").stdout());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(m.name() + ": systemd not running after " + BOOT_TIMEOUT
                + " (state '" + state + "')\n" + m.container().getLogs());
    }

    /** Host keys come through docker exec, a trusted channel: no trust on first use. */
    private void writeKnownHosts() throws IOException {
        StringBuilder out = new StringBuilder();
        for (TestMachine m : machines) {
            List<String> keys = m.sh("cat /etc/ssh/ssh_host_*_key.pub").orThrow(m.name() + ": reading host keys")
                    .stdout().lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .map(l -> {
                        String[] f = l.split("\\s+");
                        return f[0] + " " + f[1]; // drop the comment
                    })
                    .collect(Collectors.toList());
            if (keys.isEmpty()) {
                throw new IllegalStateException(m.name() + " has no SSH host keys");
            }
            m.hostKeys(keys);
            String jvmSide = "[" + m.sshHost() + "]:" + m.sshPort() + ",[127.0.0.1]:" + m.sshPort();
            for (String k : keys) {
                out.append(m.name()).append(',').append(m.ip()).append(' ').append(k).append('\n');
                out.append(jvmSide).append(' ').append(k).append('\n');
            }
        }
        Files.writeString(knownHosts(), out.toString());
    }

    /** Walks up from the working directory (failsafe runs in agent/) to the repository file. */
    public static Path findRepoFile(String relative) {
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve(relative);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    // --- builder --------------------------------------------------------------------------

    public static final class Builder {
        private int count = 3;
        private String namePrefix = "vm";
        private String image = envOr("SEED_TESTVM_IMAGE", DEFAULT_IMAGE);
        private String subnet;
        private String sudoPassword;

        private Builder() {
        }

        /** Number of machines (default 3), named {@code vm1..vmN}. */
        public Builder count(int count) {
            if (count < 1 || count > 50) {
                throw new IllegalArgumentException("count must be 1..50");
            }
            this.count = count;
            return this;
        }

        public Builder namePrefix(String prefix) {
            this.namePrefix = prefix;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        /**
         * A fixed /24 such as {@code 10.213.60.0/24}; machines get .11, .12, ... Default: a
         * random free 10.213.100-249.0/24, so parallel runs and {@code up.sh} do not collide.
         */
        public Builder subnet(String cidr) {
            if (!cidr.matches("\\d+\\.\\d+\\.\\d+\\.0/24")) {
                throw new IllegalArgumentException("subnet must be an a.b.c.0/24: " + cidr);
            }
            this.subnet = cidr;
            return this;
        }

        /** {@code admin} needs this password for sudo (default: passwordless sudo). */
        public Builder sudoPassword(String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("sudo password must not be empty");
            }
            this.sudoPassword = password;
            return this;
        }

        public TestMachines build() {
            return new TestMachines(this);
        }

        private static String envOr(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }
}
