package io.seedbootstrap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.action.InstallAction;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.PhaseRunner;
import io.seedbootstrap.phase.PlannedChange;
import io.seedbootstrap.phase.Reporter;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.RunOptions;
import io.seedbootstrap.phase.common.HostLock;
import io.seedbootstrap.phase.install.CollectStatus;
import io.seedbootstrap.phase.install.VerifyBundle;
import io.seedbootstrap.pki.ClusterMaterial;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seed-bootstrap install INVENTORY}: adapts options to an {@link InstallAction.Request} and prints the plan or the summary. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install RKE2 on the inventory's machines from the offline bundle: verify the bundle, connect, check the hosts, "
                + "upload, install, write the PKI and configuration, start the bootstrap server, join the others, fetch the kubeconfig.",
            "Re-running converges: what is already in place is not touched. --dry-run prints every change per host and changes nothing."})
final class InstallCommand extends InventoryCommand.InventoryFileCommand {
    @Option(names = "--dry-run", description = "Run the read-only checks for real, print every change it would make per host, change nothing.")
    boolean dryRun;

    @Option(names = "--bundle", paramLabel = "DIR", description = "The offline bundle (default: the inventory's bundle.path).")
    Path bundle;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Where to write the admin kubeconfig (0600; default: CLUSTER.kubeconfig beside the inventory).")
    Path kubeconfig;

    @Option(names = "--accept-new-host-keys", description = "Add host keys not yet in known_hosts (changed keys are always refused).")
    boolean acceptNewHostKeys;

    @Option(names = "--force-unlock", description = "Take host locks held by another run (only when that run is known to be dead).")
    boolean forceUnlock;

    @Option(names = "--apply-config-changes",
            description = "Write a changed configuration to nodes that already run and restart them one at a time (the diff is shown "
                    + "first; the CNI, the critical values and the tokens never change on a running cluster).")
    boolean applyConfigChanges;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for a node to start and be Ready (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "The full debug log of this run (default: $XDG_STATE_HOME/seed-bootstrap/logs/install-TIME.log).")
    Path logFile;

    @Mixin
    OutputOption output;

    InstallCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        LoadedInventory loaded = loadOrThrow();
        Inventory inventory = loaded.inventory();
        Path bundleDir = bundle != null ? bundle : inventory.bundle() == null ? null : inventory.bundle().path();
        if (bundleDir == null) {
            throw SeedException.badInput(file + ": bundle.path is not set; give the bundle directory there or with --bundle DIR");
        }
        String pinned = inventory.bundle() == null ? null : inventory.bundle().signingKeyFingerprint();
        if (pinned == null) {
            throw SeedException.badInput(file + ": bundle.signingKeyFingerprint is not set; pin the fingerprint `bundle keygen` printed, "
                    + "so only bundles signed by that key are installed");
        }
        ClusterMaterial material = ClusterMaterial.load(inventory.pki().dir());
        Path kubeconfigFile = kubeconfig != null ? kubeconfig
                : loaded.file().toAbsolutePath().getParent().resolve(inventory.cluster().name() + ".kubeconfig");
        Clock clock = Clock.systemUTC();
        Instant started = clock.instant();
        Path log = logFile != null ? logFile : defaultLogFile(started);
        PrintWriter err = spec.commandLine().getErr();
        Redactor redactor = Redactor.of(secrets(inventory, material));
        String runId = RunOptions.newRunId(started, new java.security.SecureRandom());
        SshOptions ssh = SshOptions.defaults().withAcceptNewHostKeys(acceptNewHostKeys);
        InstallAction.Request request = new InstallAction.Request(inventory, bundleDir,
                BundleVerifier.Trust.pinned(pinned, "bundle.signingKeyFingerprint in " + file), material, kubeconfigFile,
                ssh,
                HostLock.forThisProcess(runId, operatorHost(), "install", started), forceUnlock, applyConfigChanges,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (Reporter reporter = new Reporter(err, log, redactor, verbose(), clock)) {
            RunContext run = new RunContext(new RunOptions(dryRun, log, Duration.ofSeconds(waitSeconds), runId), inventory,
                    new Hosts(Hosts.Limits.defaults()), reporter);
            reporter.info(null, (dryRun ? "dry run: nothing will be changed. " : "") + "install of cluster " + inventory.cluster().name()
                    + " on " + inventory.hosts().size() + " host(s), run " + runId + ", log " + log);
            List<PhaseRunner.PhaseResult> results;
            try {
                results = new PhaseRunner(clock).run(InstallAction.phases(request), run);
            } catch (RuntimeException e) {
                err.println("seed-bootstrap: the full log of this run is " + log);
                if (dryRun || run.plan().lastingChanges().isEmpty()) {
                    err.println("seed-bootstrap: nothing was changed on any host");
                }
                throw e;
            }
            print(inventory, run, results, kubeconfigFile, Duration.between(started, clock.instant()), ssh.traffic().sent());
        }
        return 0;
    }

    private void print(Inventory inventory, RunContext run, List<PhaseRunner.PhaseResult> results, Path kubeconfigFile, Duration took,
            long bytesSent) {
        PrintWriter out = spec.commandLine().getOut();
        List<NodeStatus> nodes = run.state().find(null, CollectStatus.NODES).map(CollectStatus.Nodes::list).orElse(List.of());
        String version = run.state().find(null, VerifyBundle.BUNDLE).map(b -> b.manifest().rke2Version()).orElse("");
        if (output.json()) {
            ObjectNode root = Json.json().createObjectNode();
            root.put("cluster", inventory.cluster().name());
            root.put("dryRun", dryRun);
            root.put("rke2Version", version);
            root.put("kubeconfig", dryRun ? null : kubeconfigFile.toString());
            root.put("seconds", took.toMillis() / 1000.0);
            // what crossed the operator's link: commands and file bytes, every host (TrafficCounter)
            root.put("bytesSent", bytesSent);
            ArrayNode hosts = root.putArray("hosts");
            for (Host host : inventory.hosts()) {
                ObjectNode h = hosts.addObject().put("name", host.name()).put("role", host.role().key()).put("address", host.address())
                        .put("bootstrap", host.equals(inventory.bootstrapServer()));
                node(nodes, host).ifPresent(n -> h.put("node", n.name()).put("ready", n.ready()).put("kubeletVersion", n.kubeletVersion()));
            }
            ArrayNode phases = root.putArray("phases");
            results.forEach(r -> phases.addObject().put("title", r.title()).put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                    .put("seconds", r.took().toMillis() / 1000.0));
            ArrayNode changes = root.putArray("changes");
            for (PlannedChange c : run.plan().lastingChanges()) {
                changes.addObject().put("host", c.host()).put("phase", c.phase()).put("change", c.description())
                        .put("status", c.status().name().toLowerCase(Locale.ROOT));
            }
            InventoryCommand.print(out, Json.json(), root);
            return;
        }
        if (dryRun) {
            out.print(run.plan().render());
            out.println("Dry run: nothing was changed. Run without --dry-run to make these changes.");
            return;
        }
        out.printf("Cluster %s: RKE2 %s, %d host(s), installed in %.0f s%n", inventory.cluster().name(), version, inventory.hosts().size(),
                took.toMillis() / 1000.0);
        out.printf("%-16s %-7s %-16s %-16s %-9s %s%n", "HOST", "ROLE", "ADDRESS", "NODE", "STATUS", "VERSION");
        for (Host host : inventory.hosts()) {
            Optional<NodeStatus> n = node(nodes, host);
            out.printf("%-16s %-7s %-16s %-16s %-9s %s%n", host.name(),
                    host.role().key() + (host.equals(inventory.bootstrapServer()) ? "*" : ""), host.address(),
                    n.map(NodeStatus::name).orElse(host.effectiveNodeName()), n.map(s -> s.ready() ? "Ready" : "NotReady").orElse("absent"),
                    n.map(NodeStatus::kubeletVersion).orElse(""));
        }
        out.printf("(* bootstrap server)  %d change(s) made, %.1f MiB sent to the hosts%n", run.plan().lastingChanges().size(),
                bytesSent / 1048576.0);
        out.println("kubeconfig: " + kubeconfigFile + "   (export KUBECONFIG=" + kubeconfigFile + ")");
    }

    private static Optional<NodeStatus> node(List<NodeStatus> nodes, Host host) {
        return nodes.stream().filter(n -> n.name().equals(host.effectiveNodeName())).findFirst();
    }

    private List<Secret> secrets(Inventory inventory, ClusterMaterial material) {
        List<Secret> secrets = new ArrayList<>(material.secrets());
        if (inventory.ssh() != null) {
            Optional.ofNullable(inventory.ssh().sudoPassword()).ifPresent(secrets::add);
            Optional.ofNullable(inventory.ssh().identityPassphrase()).ifPresent(secrets::add);
        }
        for (Host host : inventory.hosts()) {
            if (host.ssh() != null && host.ssh().sudoPassword() != null) {
                secrets.add(host.ssh().sudoPassword());
            }
        }
        inventory.registries().configs().values().forEach(c -> Optional.ofNullable(c.password()).ifPresent(secrets::add));
        var apps = inventory.apps();
        Optional.ofNullable(apps.rancher().bootstrapPassword()).ifPresent(secrets::add);
        Optional.ofNullable(apps.argocd().adminPassword()).ifPresent(secrets::add);
        Optional.ofNullable(apps.argocd().repo()).map(r -> r.password()).ifPresent(secrets::add);
        Optional.ofNullable(apps.certManager().issuer().vault()).map(v -> v.secretId()).ifPresent(secrets::add);
        return secrets;
    }

    private Path defaultLogFile(Instant started) {
        Path state = context.environment().get("XDG_STATE_HOME").filter(s -> !s.isBlank()).map(Path::of)
                .orElse(context.home().resolve(".local").resolve("state"));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        return state.resolve("seed-bootstrap").resolve("logs").resolve("install-" + stamp + ".log");
    }

    private String operatorHost() {
        return context.environment().get("HOSTNAME").filter(s -> !s.isBlank()).orElseGet(() -> {
            try {
                return java.nio.file.Files.readString(Path.of("/etc/hostname")).strip();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        });
    }

    private boolean verbose() {
        picocli.CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof RootCommand r && r.verbose;
    }
}
