package io.seedbootstrap.rke2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The admin kubeconfig RKE2 writes (contract A.4: server https://127.0.0.1:6443, names
 * "default") made usable from outside: the server becomes the registration address and
 * cluster, user and context are named after the cluster, so several seeds merge cleanly into
 * one KUBECONFIG. It holds the admin client key: written 0600 and never printed.
 */
public final class Kubeconfig {
    private Kubeconfig() {}

    public static String forOperator(String rke2Yaml, String clusterName, String registrationAddress) {
        ObjectNode root;
        try {
            root = (ObjectNode) ConfigYaml.mapper().readTree(rke2Yaml);
        } catch (IOException | ClassCastException e) {
            // the content may hold a key: do not echo it
            throw new IllegalArgumentException("the server's " + Rke2Paths.ADMIN_KUBECONFIG + " is not a kubeconfig");
        }
        String host = registrationAddress.contains(":") ? "[" + registrationAddress + "]" : registrationAddress;
        for (JsonNode cluster : array(root, "clusters")) {
            ((ObjectNode) cluster).put("name", clusterName);
            ((ObjectNode) cluster.path("cluster")).put("server", "https://" + host + ":" + NodeConfig.API_PORT);
        }
        String user = clusterName + "-admin";
        for (JsonNode entry : array(root, "users")) {
            ((ObjectNode) entry).put("name", user);
        }
        for (JsonNode context : array(root, "contexts")) {
            ((ObjectNode) context).put("name", clusterName);
            ((ObjectNode) context.path("context")).put("cluster", clusterName).put("user", user);
        }
        root.put("current-context", clusterName);
        return ConfigYaml.write(root);
    }

    private static ArrayNode array(ObjectNode root, String field) {
        JsonNode node = root.path(field);
        if (!(node instanceof ArrayNode array) || array.isEmpty()) {
            throw new IllegalArgumentException("the server's " + Rke2Paths.ADMIN_KUBECONFIG + " has no " + field);
        }
        return array;
    }
}
