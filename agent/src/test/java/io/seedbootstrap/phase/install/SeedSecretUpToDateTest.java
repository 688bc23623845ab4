package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.apps.KubeSecret;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whether install re-applies a Secret the cluster already has (DeploySeedApps): the seed's cluster
 * Secret must be re-applied when apps.seedAnnotations changed, as when its labels did, or the
 * seed's catalog Applications would keep the old per-cluster values.
 */
class SeedSecretUpToDateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IP = "catalog.seed-bootstrap.io/traefik-load-balancer-ip";

    private static KubeSecret seedCluster(Map<String, String> annotations) {
        return new KubeSecret("argocd", "seed-cluster", KubeSecret.OPAQUE, Map.of("argocd.argoproj.io/secret-type", "cluster"), annotations,
                Map.of("server", "https://kubernetes.default.svc".getBytes(StandardCharsets.UTF_8)), Map::of, false);
    }

    /** The Secret as kubectl get returns it: what was applied plus the API server's own metadata. */
    private static JsonNode inCluster(KubeSecret applied) throws Exception {
        ObjectNode secret = (ObjectNode) JSON.readTree(applied.json());
        ((ObjectNode) secret.path("metadata")).put("resourceVersion", "4711");
        ObjectNode annotations = secret.path("metadata").has("annotations") ? (ObjectNode) secret.path("metadata").path("annotations")
                : ((ObjectNode) secret.path("metadata")).putObject("annotations");
        annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{}");
        return secret;
    }

    @Test
    void aChangedOrMissingAnnotationMakesTheSecretStaleAndTheSameOneDoesNot() throws Exception {
        KubeSecret wanted = seedCluster(Map.of(IP, "10.0.10.240"));
        assertTrue(DeploySeedApps.upToDate(inCluster(wanted), wanted), "same labels, annotations and data: left alone");
        assertFalse(DeploySeedApps.upToDate(inCluster(seedCluster(Map.of(IP, "10.0.10.239"))), wanted), "the IP changed in the inventory");
        assertFalse(DeploySeedApps.upToDate(inCluster(seedCluster(Map.of())), wanted), "the annotation was added to the inventory");
        KubeSecret relabelled = new KubeSecret("argocd", "seed-cluster", KubeSecret.OPAQUE, Map.of("argocd.argoproj.io/secret-type", "cluster",
                "app/traefik", "install"), Map.of(IP, "10.0.10.240"), wanted.publicData(), Map::of, false);
        assertFalse(DeploySeedApps.upToDate(inCluster(wanted), relabelled), "a label added");
    }
}
