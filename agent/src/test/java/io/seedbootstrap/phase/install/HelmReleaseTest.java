package io.seedbootstrap.phase.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Reading a Helm release from the Secrets Helm's secret driver writes (klipper-helm runs helm with
 * HELM_DRIVER=secret): the revision that counts, its state for klipper-helm's failure policy
 * (entry:28-99), and helm's description of a failure out of {@code data.release}.
 */
class HelmReleaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A release Secret as the API returns it: labels as helm sets them, data.release = base64(helm's base64(gzip(JSON))). */
    static JsonNode secret(String name, int version, String status, String hash, String description) throws Exception {
        ObjectNode release = JSON.createObjectNode().put("name", name).put("version", version);
        release.putObject("info").put("status", status).put("description", description);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(JSON.writeValueAsBytes(release));
        }
        String helmText = Base64.getEncoder().encodeToString(gz.toByteArray());
        ObjectNode secret = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", "helm.sh/release.v1");
        ObjectNode metadata = secret.putObject("metadata").put("name", "sh.helm.release.v1." + name + ".v" + version)
                .put("namespace", "cattle-system").put("uid", "uid-" + version);
        ObjectNode labels = metadata.putObject("labels").put("owner", "helm").put("name", name).put("status", status)
                .put("version", Integer.toString(version));
        if (hash != null) {
            labels.put(HelmRelease.CONFIG_HASH_LABEL, hash);
        }
        secret.putObject("data").put("release", Base64.getEncoder().encodeToString(helmText.getBytes(StandardCharsets.US_ASCII)));
        return secret;
    }

    private static HelmRelease release(JsonNode... secrets) {
        return HelmRelease.of("cattle-system", "rancher", List.of(secrets));
    }

    @Test
    void noRevisionIsAnInstall() {
        HelmRelease none = release();
        assertEquals(HelmRelease.State.NONE, none.state());
        assertTrue(none.latest().isEmpty());
    }

    @Test
    void aFailedFirstInstallWasNeverDeployedAndCarriesHelmsError() throws Exception {
        HelmRelease failed = release(secret("rancher", 1, "failed", "H1", "Release \"rancher\" failed: image not found"));
        assertEquals(HelmRelease.State.FAILED_NEVER_DEPLOYED, failed.state());
        assertEquals("Release \"rancher\" failed: image not found", failed.latest().orElseThrow().description());
        assertEquals("uid-1", failed.latest().orElseThrow().uid());
        assertTrue(failed.lastDeployed().isEmpty());
    }

    @Test
    void aFailedUpgradeKeepsTheDeployedRevisionItCameFrom() throws Exception {
        // listed out of order, as the API may: the highest version is the latest (helm status, chart.go latestRelease)
        HelmRelease upgrade = release(secret("rancher", 2, "failed", "H2", "Upgrade \"rancher\" failed: x"),
                secret("rancher", 1, "deployed", "H1", "Install complete"));
        assertEquals(HelmRelease.State.FAILED_ONCE_DEPLOYED, upgrade.state());
        assertEquals(2, upgrade.latest().orElseThrow().version());
        assertEquals(1, upgrade.lastDeployed().orElseThrow().version());
        assertEquals("H1", upgrade.lastDeployed().orElseThrow().configHash());
        // after a later good upgrade, the first one is superseded: still "once deployed"
        HelmRelease later = release(secret("rancher", 1, "superseded", "H1", ""), secret("rancher", 2, "failed", "H2", ""),
                secret("rancher", 3, "failed", "H3", ""));
        assertEquals(HelmRelease.State.FAILED_ONCE_DEPLOYED, later.state());
    }

    @Test
    void statesFollowEntry() throws Exception {
        assertEquals(HelmRelease.State.DEPLOYED, release(secret("rancher", 1, "deployed", "H", "")).state());
        for (String status : List.of("pending-install", "pending-upgrade", "pending-rollback", "uninstalling")) {
            assertEquals(HelmRelease.State.IN_PROGRESS, release(secret("rancher", 1, status, "H", "")).state(), status);
        }
        for (String status : List.of("deleted", "unknown")) {
            assertEquals(HelmRelease.State.FAILED_NEVER_DEPLOYED, release(secret("rancher", 1, status, "H", "")).state(), status);
        }
    }

    @Test
    void otherSecretsAndUnreadableOnesAreIgnored() throws Exception {
        List<JsonNode> secrets = new ArrayList<>();
        secrets.add(secret("rancher", 1, "deployed", "H", "Install complete"));
        ObjectNode otherRelease = (ObjectNode) secret("rancher-webhook", 2, "failed", "H", "");
        secrets.add(otherRelease);
        ObjectNode opaque = (ObjectNode) secret("rancher", 3, "failed", "H", "");
        opaque.put("type", "Opaque");
        secrets.add(opaque);
        ObjectNode badVersion = (ObjectNode) secret("rancher", 4, "failed", "H", "");
        ((ObjectNode) badVersion.path("metadata").path("labels")).put("version", "four");
        secrets.add(badVersion);
        HelmRelease release = HelmRelease.of("cattle-system", "rancher", secrets);
        assertEquals(1, release.revisions().size());
        assertEquals(HelmRelease.State.DEPLOYED, release.state());
        ObjectNode garbled = (ObjectNode) secret("rancher", 1, "failed", "H", "x");
        ((ObjectNode) garbled.path("data")).put("release", "bm90IGd6aXA=");
        assertEquals("", HelmRelease.of("cattle-system", "rancher", List.of(garbled)).latest().orElseThrow().description());
    }
}
