package io.seedbootstrap.rke2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes node as {@code kubectl get nodes -o json} shows it: enough to wait for Ready, to
 * print the install summary, and to find the annotations seed-bootstrap leaves on a node (upgrade's
 * cordon marker).
 */
public record NodeStatus(String name, boolean ready, String kubeletVersion, List<String> roles, String internalIp,
        Map<String, String> annotations) {

    public NodeStatus {
        annotations = Map.copyOf(annotations);
    }

    public NodeStatus(String name, boolean ready, String kubeletVersion, List<String> roles, String internalIp) {
        this(name, ready, kubeletVersion, roles, internalIp, Map.of());
    }

    public static List<NodeStatus> parseList(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("kubectl printed no JSON node list: " + e.getMessage(), e);
        }
        List<NodeStatus> nodes = new ArrayList<>();
        for (JsonNode item : root.path("items")) {
            boolean ready = false;
            for (JsonNode condition : item.path("status").path("conditions")) {
                if ("Ready".equals(condition.path("type").asText())) {
                    ready = "True".equals(condition.path("status").asText());
                }
            }
            List<String> roles = new ArrayList<>();
            item.path("metadata").path("labels").fieldNames().forEachRemaining(label -> {
                if (label.startsWith("node-role.kubernetes.io/")) {
                    roles.add(label.substring("node-role.kubernetes.io/".length()));
                }
            });
            String ip = "";
            for (JsonNode address : item.path("status").path("addresses")) {
                if ("InternalIP".equals(address.path("type").asText())) {
                    ip = address.path("address").asText();
                }
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            item.path("metadata").path("annotations").fields().forEachRemaining(a -> annotations.put(a.getKey(), a.getValue().asText()));
            nodes.add(new NodeStatus(item.path("metadata").path("name").asText(), ready,
                    item.path("status").path("nodeInfo").path("kubeletVersion").asText(""), List.copyOf(roles), ip, annotations));
        }
        return nodes;
    }
}
