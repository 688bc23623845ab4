package io.seedbootstrap.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Optional;

/**
 * RKE2's kubectl on a server (contract A.4: {@code /var/lib/rancher/rke2/bin/kubectl
 * --kubeconfig /etc/rancher/rke2/rke2.yaml}), as root. Objects with secret values travel on the
 * command's stdin ({@code -f -}), never in argv.
 */
public interface Kubectl {
    /** Server-side apply as seed-bootstrap: no last-applied annotation copying the object, our fields win. */
    String APPLY = "apply --server-side --force-conflicts --field-manager=seed-bootstrap";

    /** The API did not answer (the cluster is not up, e.g. in a dry run before the first start). */
    final class Unreachable extends SeedException {
        private static final long serialVersionUID = 1L;

        public Unreachable(String message) {
            super(ExitCode.FAILED, message);
        }
    }

    /**
     * One object as JSON, empty when it does not exist.
     *
     * @param namespace null for a cluster-scoped object
     * @throws Unreachable when kubectl fails
     */
    Optional<JsonNode> get(String kind, String namespace, String name);

    /**
     * The objects of one kind in a namespace that carry every label of {@code selector}
     * ({@code a=b,c=d}; null: all).
     *
     * @throws Unreachable when kubectl fails
     */
    List<JsonNode> list(String kind, String namespace, String selector);

    /** {@code kubectl VERB -f -} with the object on stdin ({@link #APPLY}, create); {@code display} names it without its content. */
    void withStdin(String verb, byte[] object, String display);

    /** Deletes one object; one that is already gone is fine. @param namespace null for a cluster-scoped object */
    void delete(String kind, String namespace, String name);

    /** The last {@code lines} lines of a workload's log ({@code job/NAME}); a failure gives kubectl's message instead. */
    String logs(String namespace, String workload, int lines);

    /** All nodes as the cluster sees them; empty while the API does not answer. */
    Optional<List<NodeStatus>> nodes();

    /** Whether the cluster has node {@code nodeName} and it is Ready. */
    default boolean ready(String nodeName) {
        return nodes().orElse(List.of()).stream().anyMatch(n -> n.name().equals(nodeName) && n.ready());
    }

    /** Whether kube-apiserver reaches a healthy etcd ({@code get --raw /readyz/etcd} answers ok, contract A.11); false when it does not answer. */
    boolean etcdHealthy();

    /** Marks a node unschedulable ({@code kubectl cordon}). */
    void cordon(String nodeName);

    /**
     * Evicts a node's pods ({@code kubectl drain --ignore-daemonsets --delete-emptydir-data});
     * gives up after {@code timeout}, when a PodDisruptionBudget holds a pod back.
     */
    void drain(String nodeName, java.time.Duration timeout);

    /** Makes a node schedulable again ({@code kubectl uncordon}). */
    void uncordon(String nodeName);

    /**
     * Sets annotation {@code key} on a node to {@code value} (replacing another value), or removes
     * it when {@code value} is null ({@code kubectl annotate node NAME KEY=VALUE --overwrite | KEY-}).
     */
    void annotateNode(String nodeName, String key, String value);

    /** Whether the node is cordoned ({@code spec.unschedulable}); false for a node the cluster does not have. */
    default boolean cordoned(String nodeName) {
        return get("node", null, nodeName).map(n -> n.path("spec").path("unschedulable").asBoolean(false)).orElse(false);
    }
}
