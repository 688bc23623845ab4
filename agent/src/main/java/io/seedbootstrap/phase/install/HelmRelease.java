package io.seedbootstrap.phase.install;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.support.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A seed app's Helm release as the helm-install job sees it (contract D). klipper-helm's job runs
 * helm with {@code HELM_DRIVER=secret} (helm-controller v0.17.7, the one RKE2 v1.35.7 embeds:
 * chart.go job()), so each revision is a Secret {@code sh.helm.release.v1.NAME.vN} of type
 * {@code helm.sh/release.v1} in the target namespace, labelled {@code owner=helm}, {@code name},
 * {@code status}, {@code version} and the config hash the job passed with {@code --labels}
 * (klipper-helm entry:257-259); its {@code data.release} is the base64 of the gzipped release JSON.
 * The job reads the latest revision's status (entry:4, {@code helm status}) to choose what to do.
 */
record HelmRelease(String namespace, String name, List<Revision> revisions) {
    static final String SECRET_TYPE = "helm.sh/release.v1";
    static final String CONFIG_HASH_LABEL = "helmcharts.helm.cattle.io/configHash";
    /** entry:68: the statuses whose handling is the failure policy (abort: exit 1, waiting for an operator). */
    static final Set<String> FAILED = Set.of("deleted", "failed", "null", "unknown");

    /** Where the release is as far as the failure policy is concerned. */
    enum State {
        /** No revision: the job installs (entry:28-32). */
        NONE,
        /** The latest revision is deployed: the job upgrades (entry:57-66). */
        DEPLOYED,
        /** pending-*, superseded, uninstalling: a helm run is under way, or was cut off (entry:37-54). */
        IN_PROGRESS,
        /** Failed and never deployed: the first install failed (entry:68-99). */
        FAILED_NEVER_DEPLOYED,
        /** Failed after an earlier revision was deployed: an upgrade failed (entry:68-99). */
        FAILED_ONCE_DEPLOYED
    }

    /** One revision: its version, status label, config hash label, Secret name and uid, and the Secret as read. */
    record Revision(int version, String status, String configHash, String secretName, String uid, JsonNode secret) {
        /** Helm's description of the revision (for a failure, helm's error), or "" when the Secret cannot be decoded. */
        String description() {
            String data = secret.path("data").path("release").asText("");
            try {
                byte[] helmText = Base64.getDecoder().decode(data); // the API's base64 of helm's string
                byte[] gzipped = Base64.getDecoder().decode(helmText); // helm's base64 of the gzipped JSON
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
                    return Json.json().readTree(in.readAllBytes()).path("info").path("description").asText("");
                }
            } catch (IllegalArgumentException | IOException e) {
                return "";
            }
        }
    }

    /** The release's revisions from the Secrets of its namespace (kubectl get secret -l owner=helm,name=NAME -o json). */
    static HelmRelease of(String namespace, String name, List<JsonNode> secrets) {
        List<Revision> revisions = new ArrayList<>();
        for (JsonNode secret : secrets) {
            JsonNode labels = secret.path("metadata").path("labels");
            if (!SECRET_TYPE.equals(secret.path("type").asText()) || !"helm".equals(labels.path("owner").asText())
                    || !name.equals(labels.path("name").asText())) {
                continue;
            }
            int version;
            try {
                version = Integer.parseInt(labels.path("version").asText(""));
            } catch (NumberFormatException e) {
                continue; // helm-controller's latestRelease skips these too
            }
            revisions.add(new Revision(version, labels.path("status").asText(""), labels.path(CONFIG_HASH_LABEL).asText(""),
                    secret.path("metadata").path("name").asText(), secret.path("metadata").path("uid").asText(""), secret));
        }
        revisions.sort(Comparator.comparingInt(Revision::version));
        return new HelmRelease(namespace, name, List.copyOf(revisions));
    }

    static HelmRelease read(Kubectl kubectl, String namespace, String name) {
        return of(namespace, name, kubectl.list("secret", namespace, "owner=helm,name=" + name));
    }

    /** helm-controller's latestRelease and {@code helm status}: the highest version. */
    Optional<Revision> latest() {
        return revisions.isEmpty() ? Optional.empty() : Optional.of(revisions.get(revisions.size() - 1));
    }

    /** The newest revision that is or was deployed (a superseded one was deployed before the next). */
    Optional<Revision> lastDeployed() {
        return revisions.stream().filter(r -> r.status().equals("deployed") || r.status().equals("superseded"))
                .max(Comparator.comparingInt(Revision::version));
    }

    State state() {
        Optional<Revision> latest = latest();
        if (latest.isEmpty()) {
            return State.NONE;
        }
        String status = latest.get().status();
        if (status.equals("deployed")) {
            return State.DEPLOYED;
        }
        if (FAILED.contains(status)) {
            return lastDeployed().isPresent() ? State.FAILED_ONCE_DEPLOYED : State.FAILED_NEVER_DEPLOYED;
        }
        return State.IN_PROGRESS;
    }
}
