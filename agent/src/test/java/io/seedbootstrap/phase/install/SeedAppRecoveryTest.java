package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.AppStep;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a seed app's wait must stop at a failed release (klipper-helm's abort branch, entry:68-75,
 * leaves it for an operator) and what the HelmChartConfig that sets another policy for one run is.
 */
class SeedAppRecoveryTest {
    private static final AppStep RANCHER = new AppStep("Rancher", List.of(), List.of(),
            new AppStep.AddOnFile("seed-rancher.yaml", "# c\napiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata: {name: rancher}\n"
                    + "spec: {targetNamespace: cattle-system}\n"), "rancher", List.of());

    private static HelmRelease.Revision revision(int version, String status, String uid) throws Exception {
        JsonNode secret = HelmReleaseTest.secret("rancher", version, status, "H", "");
        ((com.fasterxml.jackson.databind.node.ObjectNode) secret.path("metadata")).put("uid", uid);
        return HelmRelease.of("cattle-system", "rancher", List.of(secret)).latest().orElseThrow();
    }

    @Test
    void underAbortAFailedReleaseStopsTheWaitAtOnce() throws Exception {
        DeploySeedApps.Recovery abort = DeploySeedApps.Recovery.none(RANCHER, DeploySeedApps.ABORT);
        assertTrue(abort.stuckOn(revision(1, "failed", "a")));
        assertTrue(abort.stuckOn(revision(2, "unknown", "a")));
        assertFalse(abort.stuckOn(revision(1, "deployed", "a")));
        assertFalse(abort.stuckOn(revision(1, "pending-install", "a")), "helm may still be at it");
        // a HelmChartConfig of the operator's that sets reinstall: klipper-helm retries by itself
        assertFalse(DeploySeedApps.Recovery.none(RANCHER, "reinstall").stuckOn(revision(1, "failed", "a")));
    }

    @Test
    void whileRecoveringOnlyANewFailureCounts() throws Exception {
        DeploySeedApps.Recovery reinstall = new DeploySeedApps.Recovery(RANCHER, "reinstall", 100L, "old", true);
        assertFalse(reinstall.stuckOn(revision(1, "failed", "old")), "the failure the run found, not yet uninstalled");
        assertTrue(reinstall.stuckOn(revision(1, "failed", "new")), "the install after the uninstall failed");
        assertFalse(reinstall.stuckOn(revision(1, "deployed", "new")));
    }

    @Test
    void theHelmChartConfigSetsOnlyTheFailurePolicyAndIsMarkedAsOurs() {
        JsonNode config = DeploySeedApps.recoveryConfig("rancher", "reinstall");
        assertEquals("helm.cattle.io/v1", config.path("apiVersion").asText());
        assertEquals("HelmChartConfig", config.path("kind").asText());
        assertEquals("rancher", config.path("metadata").path("name").asText());
        assertEquals("kube-system", config.path("metadata").path("namespace").asText(), "contract D: the HelmChart's name and namespace");
        assertEquals("true", config.path("metadata").path("labels").path(DeploySeedApps.RECOVERY_LABEL).asText());
        List<String> fields = new java.util.ArrayList<>();
        config.path("spec").fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("failurePolicy"), fields, "no values: the config hash, and a completed job, stay as they are");
        assertEquals("reinstall", config.path("spec").path("failurePolicy").asText());
    }

    @Test
    void theReleaseLivesInTheHelmChartsTargetNamespace() {
        assertEquals("cattle-system", RANCHER.releaseNamespace());
        AppStep noTarget = new AppStep("X", List.of(), List.of(), new AppStep.AddOnFile("seed-x.yaml", "kind: HelmChart\nspec: {}\n"), "x",
                List.of());
        assertEquals("kube-system", noTarget.releaseNamespace());
    }
}
