package io.seedbootstrap.phase.install;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Registries;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.rke2.CniChartConfig;
import io.seedbootstrap.rke2.NodeConfig;
import io.seedbootstrap.rke2.PodSecurityConfig;
import io.seedbootstrap.rke2.RegistriesFile;
import io.seedbootstrap.rke2.Rke2Paths;
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
final class DesiredFiles {
    private DesiredFiles() {}

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

    static List<DesiredFile> of(Inventory inventory, Host host, ClusterMaterial material) {
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

    /** The desired files whose content or mode differs from what the host has ({@code present}). */
    static List<DesiredFile> differing(List<DesiredFile> desired, Map<String, NodeFiles.State> present) {
        return desired.stream().filter(f -> {
            NodeFiles.State state = present.get(f.path());
            return state == null || !state.matches(f.content(), f.mode());
        }).toList();
    }

    static List<String> paths(List<DesiredFile> desired) {
        return desired.stream().map(DesiredFile::path).toList();
    }

    /** What the host has of the desired files (one read-only command). */
    static Map<String, NodeFiles.State> present(NodeFiles files, List<DesiredFile> desired) {
        return files.states(paths(desired));
    }

    /**
     * The host's text of each differing file that {@link #describe} and {@link #forbidden} read: the ones
     * present and not secret (a secret file is never read back). One read each, shared by both.
     */
    static Map<String, String> currentTexts(NodeFiles files, List<DesiredFile> differing, Map<String, NodeFiles.State> present) {
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        for (DesiredFile file : differing) {
            if (!file.secret() && present.containsKey(file.path())) {
                texts.put(file.path(), files.read(file.path()));
            }
        }
        return texts;
    }

    /** What differs, per file: a line diff for config files (they hold no secret), a note for secret ones. */
    static String describe(List<DesiredFile> differing, Map<String, NodeFiles.State> present, Map<String, String> current) {
        StringBuilder message = new StringBuilder();
        for (DesiredFile file : differing) {
            message.append("\n  ").append(file.path());
            if (file.secret()) {
                message.append(present.containsKey(file.path()) ? " differs (secret: not shown)" : " is missing");
            } else if (!present.containsKey(file.path())) {
                message.append(" is missing");
            } else {
                message.append(":\n").append(LineDiff.diff(current.get(file.path()), new String(file.content(), StandardCharsets.UTF_8))
                        .indent(4).stripTrailing());
            }
        }
        return message.toString();
    }

    /** The changes no flag allows: tokens, and config.yaml keys RKE2 must never see change (A.5). */
    static List<String> forbidden(List<DesiredFile> differing, Map<String, NodeFiles.State> present, Map<String, String> current) {
        List<String> forbidden = new ArrayList<>();
        for (DesiredFile file : differing) {
            if (!present.containsKey(file.path())) {
                continue;
            }
            if (file.path().equals(Rke2Paths.TOKEN_FILE) || file.path().equals(Rke2Paths.AGENT_TOKEN_FILE)) {
                forbidden.add(file.path() + " (a join token)");
            } else if (file.path().equals(Rke2Paths.CONFIG)) {
                Map<String, Object> before = parse(current.get(file.path()));
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
