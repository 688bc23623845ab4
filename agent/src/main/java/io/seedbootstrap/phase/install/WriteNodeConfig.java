package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Registries;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.GatherFacts;
import io.seedbootstrap.pki.ClusterMaterial;
import io.seedbootstrap.rke2.CniChartConfig;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.rke2.PodSecurityConfig;
import io.seedbootstrap.rke2.RegistriesFile;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.LineDiff;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything RKE2 reads at its first start, per node (contract A.4–A.7, A.9): the join token
 * files (0600; servers also get the agent token), config.yaml (0600, no secret in it),
 * registries.yaml and the registry CAs, the PodSecurity config with the seed apps' exemptions
 * under {@code profile: cis}, and the CNI's HelmChartConfig in the bootstrap server's manifests
 * folder. Only files whose content differs are written. A node that already runs keeps its
 * configuration: a difference is shown as a diff and refused, since RKE2 re-reads it only on a
 * restart and some values (cni, the critical values) must never change on a running cluster.
 */
public final class WriteNodeConfig implements Phase {
    private final List<Host> hosts;
    private final ClusterMaterial material;

    public WriteNodeConfig(List<Host> hosts, ClusterMaterial material) {
        this.hosts = List.copyOf(hosts);
        this.material = material;
    }

    /** A file a node should have. {@code secret} content is never shown or diffed. */
    record DesiredFile(String path, byte[] content, String mode, boolean secret) {
        static DesiredFile text(String path, String content, String mode) {
            return new DesiredFile(path, content.getBytes(StandardCharsets.UTF_8), mode, false);
        }

        static DesiredFile secret(String path, Secret value) {
            return new DesiredFile(path, (value.reveal() + "\n").getBytes(StandardCharsets.UTF_8), "0600", true);
        }

        @Override
        public String toString() {
            return path + " (" + mode + (secret ? ", secret" : "") + ")";
        }
    }

    @Override
    public String title() {
        return "Write the RKE2 configuration";
    }

    static List<DesiredFile> desiredFiles(Inventory inventory, Host host, ClusterMaterial material) {
        boolean server = host.role() == Role.SERVER;
        List<DesiredFile> files = new ArrayList<>();
        files.add(DesiredFile.secret(Rke2Paths.TOKEN_FILE, server ? material.serverToken() : material.agentToken()));
        if (server) {
            files.add(DesiredFile.secret(Rke2Paths.AGENT_TOKEN_FILE, material.agentToken()));
        }
        files.add(DesiredFile.text(Rke2Paths.CONFIG, NodeConfig.yaml(inventory, host), "0600"));
        Registries registries = inventory.registries();
        RegistriesFile.render(registries).ifPresent(text ->
                files.add(new DesiredFile(Rke2Paths.REGISTRIES, text.getBytes(StandardCharsets.UTF_8), "0600", true)));
        registries.configs().forEach((endpoint, config) -> {
            if (config.caFile() != null) {
                try {
                    files.add(new DesiredFile(RegistriesFile.caPath(endpoint), Files.readAllBytes(config.caFile()), "0644", false));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + config.caFile(), e);
                }
            }
        });
        if (server && inventory.rke2().profile() == Rke2.Profile.CIS) {
            files.add(DesiredFile.text(Rke2Paths.POD_SECURITY_CONFIG, PodSecurityConfig.yaml(inventory.rke2().podSecurityExemptions()), "0600"));
        }
        if (host.equals(inventory.bootstrapServer())) {
            CniChartConfig.render(inventory.cluster()).ifPresent(text ->
                    files.add(DesiredFile.text(CniChartConfig.path(inventory.cluster().cni()), text, "0600")));
        }
        return files;
    }

    @Override
    public void run(RunContext context) {
        context.hosts().parallel(hosts, Host::name, host -> {
            var remote = context.host(host.name());
            List<DesiredFile> desired = desiredFiles(context.inventory(), host, material);
            Map<String, RemoteFiles.State> present = RemoteFiles.states(remote, desired.stream().map(DesiredFile::path).toList());
            List<DesiredFile> differing = desired.stream().filter(f -> {
                RemoteFiles.State state = present.get(f.path());
                return state == null || !state.sha256().equals(RemoteFiles.sha256(f.content())) || !state.mode().equals(f.mode());
            }).toList();
            HostFacts facts = context.state().get(host.name(), GatherFacts.FACTS);
            boolean running = facts.unitActive("rke2-server") || facts.unitActive("rke2-agent");
            if (running && !differing.isEmpty()) {
                throw new SeedException(ExitCode.UNEXPECTED_STATE, refusal(remote, host, differing, present));
            }
            for (DesiredFile file : differing) {
                context.change(host.name(), "write " + file, () -> RemoteFiles.write(remote, file.path(), file.content(), file.mode()));
            }
            return differing.size();
        });
    }

    private static String refusal(io.seedbootstrap.ssh.RemoteHost remote, Host host, List<DesiredFile> differing,
            Map<String, RemoteFiles.State> present) {
        StringBuilder message = new StringBuilder(host.name())
                .append(": RKE2 runs here with another configuration than the inventory gives; nothing was changed:");
        for (DesiredFile file : differing) {
            message.append("\n  ").append(file.path());
            if (file.secret()) {
                message.append(present.containsKey(file.path()) ? " differs (secret: not shown)" : " is missing");
            } else if (!present.containsKey(file.path())) {
                message.append(" is missing");
            } else {
                String current = remote.exec(RemoteCommand.shell("cat " + file.path()).asRoot()).stdout();
                message.append(":\n").append(LineDiff.diff(current, new String(file.content(), StandardCharsets.UTF_8)).indent(4).stripTrailing());
            }
        }
        message.append("\nseed-bootstrap does not reconfigure running nodes; revert the inventory, or change the node by hand and re-run");
        return message.toString();
    }
}
