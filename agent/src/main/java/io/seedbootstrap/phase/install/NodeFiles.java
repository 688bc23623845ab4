package io.seedbootstrap.phase.install;

import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Registries;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.CniChartConfig;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.rke2.PodSecurityConfig;
import io.seedbootstrap.rke2.RegistriesFile;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.LineDiff;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files RKE2 reads on a node (contract A.4–A.7, A.9), rendered from the inventory and the
 * PKI, and how a host's copies differ from them. Shared by CheckConfigDrift (read-only, before
 * any change) and WriteNodeConfig.
 */
final class NodeFiles {
    private NodeFiles() {}

    /**
     * A.5: the CNI cannot change on a running cluster, and the critical values must stay
     * identical on all servers: a rolling restart would leave servers that refuse each other.
     */
    static final List<String> NEVER_CHANGED = List.of("cni", "agent-token-file", "cluster-cidr", "cluster-dns", "cluster-domain",
            "disable-cloud-controller", "disable-kube-proxy", "egress-selector-mode", "service-cidr", "token-file", "server");

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

    /** The desired files whose content or mode differs on the host (one read-only command). */
    static List<DesiredFile> differing(RemoteHost remote, List<DesiredFile> desired, Map<String, RemoteFiles.State> present) {
        return desired.stream().filter(f -> {
            RemoteFiles.State state = present.get(f.path());
            return state == null || !state.sha256().equals(RemoteFiles.sha256(f.content())) || !state.mode().equals(f.mode());
        }).toList();
    }

    static Map<String, RemoteFiles.State> present(RemoteHost remote, List<DesiredFile> desired) {
        return RemoteFiles.states(remote, desired.stream().map(DesiredFile::path).toList());
    }

    /** What differs, per file: a line diff for config files (they hold no secret), a note for secret ones. */
    static String describe(RemoteHost remote, Host host, List<DesiredFile> differing, Map<String, RemoteFiles.State> present) {
        StringBuilder message = new StringBuilder();
        for (DesiredFile file : differing) {
            message.append("\n  ").append(file.path());
            if (file.secret()) {
                message.append(present.containsKey(file.path()) ? " differs (secret: not shown)" : " is missing");
            } else if (!present.containsKey(file.path())) {
                message.append(" is missing");
            } else {
                message.append(":\n").append(LineDiff.diff(current(remote, file), new String(file.content(), StandardCharsets.UTF_8))
                        .indent(4).stripTrailing());
            }
        }
        return message.toString();
    }

    /** The changes no flag allows: tokens, and config.yaml keys RKE2 must never see change (A.5). */
    static List<String> forbidden(RemoteHost remote, List<DesiredFile> differing, Map<String, RemoteFiles.State> present) {
        List<String> forbidden = new ArrayList<>();
        for (DesiredFile file : differing) {
            if (!present.containsKey(file.path())) {
                continue;
            }
            if (file.path().equals(Rke2Paths.TOKEN_FILE) || file.path().equals(Rke2Paths.AGENT_TOKEN_FILE)) {
                forbidden.add(file.path() + " (a join token)");
            } else if (file.path().equals(Rke2Paths.CONFIG)) {
                Map<String, Object> before = parse(current(remote, file));
                Map<String, Object> after = parse(new String(file.content(), StandardCharsets.UTF_8));
                for (String key : NEVER_CHANGED) {
                    if (!java.util.Objects.equals(before.get(key), after.get(key))) {
                        forbidden.add(key);
                    }
                }
            }
        }
        return forbidden;
    }

    private static String current(RemoteHost remote, DesiredFile file) {
        return remote.exec(RemoteCommand.shell("cat " + io.seedbootstrap.support.ShellQuote.quote(file.path())).asRoot()).stdout();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String yaml) {
        try {
            Object value = io.seedbootstrap.rke2.ConfigYaml.mapper().readValue(yaml, Map.class);
            return value == null ? Map.of() : (Map<String, Object>) value;
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }
}
