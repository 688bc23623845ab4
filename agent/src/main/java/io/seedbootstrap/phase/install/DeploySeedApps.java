package io.seedbootstrap.phase.install;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.KubeSecret;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.node.Kubectl;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.node.NodeFiles;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.rke2.ConfigYaml;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed apps on the bootstrap server (contract D–H): per app, in order, its namespaces, its
 * Secrets (kubectl fed on stdin, never files), its HelmChart in the manifests folder of the
 * bootstrap server only (D: the folder is not synced, and one copy avoids two servers fighting),
 * the wait for {@code helm-install-<name>} to complete, then the files that need the chart's
 * CRDs, each waited for until RKE2 records it applied (its AddOn's checksum). Everything is
 * compared first, so a converged seed gets no write at all and keeps its files' mtimes.
 */
public final class DeploySeedApps implements Phase {

    private final Host bootstrap;
    private final Path pkiDir;
    private final Path localDir;

    /**
     * @param localDir where passwords the inventory does not give are saved 0600 (beside the kubeconfig)
     */
    public DeploySeedApps(Host bootstrap, Path pkiDir, Path localDir) {
        this.bootstrap = bootstrap;
        this.pkiDir = pkiDir;
        this.localDir = localDir;
    }

    @Override
    public String title() {
        return "Deploy the seed apps on " + bootstrap.name();
    }

    @Override
    public boolean shouldRun(RunContext context) {
        return !SeedApps.requiredCharts(context.inventory()).isEmpty();
    }

    @Override
    public void run(RunContext context) {
        Inventory inventory = context.inventory();
        Node node = context.node(bootstrap);
        Kubectl kubectl = node.kubectl();
        LocalPasswords passwords = new LocalPasswords(context, localDir);
        List<AppStep> steps = SeedApps.plan(new SeedApps.Input(inventory, BundleCharts.of(context.state().get(null, VerifyBundle.BUNDLE)),
                new SiteMaterial(pkiDir), passwords, new SecureRandom(), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        checkPodSecurity(context, node.files());
        boolean live = apiAnswers(context, kubectl);
        List<String> paths = new ArrayList<>();
        for (AppStep step : steps) {
            paths.add(step.chart().path());
            step.afterChart().forEach(f -> paths.add(f.path()));
        }
        Map<String, NodeFiles.State> present = node.files().states(paths);
        Map<String, JsonNode> chartConfigs = new HashMap<>();
        if (live) {
            kubectl.list("helmchartconfig", "kube-system", null).forEach(c -> chartConfigs.put(c.path("metadata").path("name").asText(), c));
        }
        for (AppStep step : steps) {
            context.reporter().info(bootstrap.name(), step.app() + ": checking");
            for (AppStep.Namespace namespace : step.namespaces()) {
                ensureNamespace(context, kubectl, live, namespace);
            }
            for (KubeSecret secret : step.secrets()) {
                ensureSecret(context, kubectl, live, secret);
            }
            // asked before the write (RKE2 applies a new file at once) and only when there is one to make
            boolean appliedBefore = live && !current(present, step.chart()) && applied(kubectl, step.chart());
            Optional<JsonNode> job = live ? kubectl.get("job", "kube-system", jobName(step)) : Optional.empty();
            HelmRelease release = live ? HelmRelease.read(kubectl, step.releaseNamespace(), step.helmChartName())
                    : HelmRelease.of(step.releaseNamespace(), step.helmChartName(), List.of());
            Recovery recovery = live ? recovery(context, node, kubectl, step, !current(present, step.chart()) && !appliedBefore, release,
                    Optional.ofNullable(chartConfigs.get(step.helmChartName()))) : Recovery.none(step, ABORT);
            Optional<Long> written = ensureFile(context, node, present, step.chart());
            if (appliedBefore) {
                written = Optional.empty(); // the file was put back as RKE2 last applied it: no new job will come
            }
            if (recovery.acting()) {
                // the job to wait for is the one made after both changes
                written = Optional.ofNullable(recovery.since() == null ? written.orElse(null)
                        : Math.max(recovery.since(), written.orElse(recovery.since())));
            } else if (written.isEmpty() && live) {
                written = rerunFailedJob(context, node, kubectl, step, job);
            }
            if (context.dryRun()) {
                recovery.finish(context, bootstrap, kubectl);
                step.afterChart().forEach(file -> ensureFile(context, node, present, file));
                continue;
            }
            try {
                // nothing changed since the job and the release were read: the wait starts from what was read
                Observed known = written.isEmpty() && !recovery.acting() ? new Observed(job, release) : null;
                waitForJob(context, kubectl, step, written.orElse(null), recovery, known, Redactor.of(passwords.known()));
            } catch (RuntimeException e) {
                try {
                    recovery.finish(context, bootstrap, kubectl);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            recovery.finish(context, bootstrap, kubectl);
            for (AppStep.AddOnFile file : step.afterChart()) {
                ensureFile(context, node, present, file);
                waitForAddOn(context, kubectl, file);
            }
            context.reporter().info(bootstrap.name(), step.app() + (!recovery.acting() ? ": installed"
                    : recovery.policy().equals("retry") ? ": installed (its failed release was upgraded again)"
                    : ": installed (its failed release was uninstalled and installed again)"));
        }
    }

    /** Our HelmCharts' failure policy (contract D: abort, as the docs recommend for charts like Rancher). */
    static final String ABORT = "abort";
    /** Marks the HelmChartConfig {@link #recovery} writes, so a later run knows it as its own. */
    static final String RECOVERY_LABEL = "seed-bootstrap/recovery";

    /**
     * What a run does about a seed app whose Helm release is stuck. Our HelmCharts have
     * failurePolicy abort, so a release left {@code failed} stays so: every run of the job, also
     * one made again after the job is deleted or the chart changed, ends in klipper-helm's abort
     * branch, "waiting for operator intervention", exit 1 (entry:68-75). As an operator would, the
     * run sets another policy for this chart alone, with a HelmChartConfig of the same name
     * ({@code failurePolicy} overrides the HelmChart's: helm-controller chart.go
     * getJobAndRelatedResources; types.go HelmChartConfigSpec). That changes the job's pod template
     * (its FAILURE_POLICY), so helm-controller replaces the waiting job by itself (chart.go
     * templateChanged). The HelmChartConfig is deleted once the job is done, failed or not, and
     * abort holds again (it carries no values, so the config hash, and with it a completed job,
     * stays as it is).
     * <ul>
     * <li>A release that never reached deployed (its first install failed): {@code reinstall},
     * i.e. {@code helm uninstall --wait}, then install (entry:76-84). Only that, or no release at
     * all (entry:28-32), leads to an install. (Deleting the release Secret by hand would too, but
     * would skip helm's uninstall and leave the failed install's objects behind.)</li>
     * <li>A release that was deployed before and whose upgrade failed: never uninstalled (its
     * objects and data would go). Only when the chart we want differs from the deployed one
     * (this run writes a new HelmChart, or the failed revision's config hash is not the deployed
     * one's) is it {@code retry}: {@code helm upgrade} from the failed state (entry:86-91), the
     * upgrade the changed chart asks for. Else it is left to an operator, and the wait says so.</li>
     * </ul>
     *
     * @param chartChanges whether this run writes a HelmChart that RKE2 has not applied yet
     * @param release      the release as it is now
     * @param config       the HelmChartConfig named like the chart, if there is one
     */
    private Recovery recovery(RunContext context, Node node, Kubectl kubectl, AppStep step, boolean chartChanges, HelmRelease release,
            Optional<JsonNode> config) {
        String name = step.helmChartName();
        String namespace = step.releaseNamespace();
        boolean ours = config.map(c -> "true".equals(c.path("metadata").path("labels").path(RECOVERY_LABEL).asText())).orElse(false);
        String configured = config.map(c -> c.path("spec").path("failurePolicy").asText("")).filter(p -> !p.isEmpty()).orElse(ABORT);
        HelmRelease.State state = release.state();
        Optional<HelmRelease.Revision> latest = release.latest();
        if (ours && state != HelmRelease.State.DEPLOYED && state != HelmRelease.State.NONE) {
            // an earlier run's recovery that was cut off: its job is the one to wait for
            context.reporter().info(bootstrap.name(), step.app() + ": release " + name + " in " + namespace + " is being handled with "
                    + "failurePolicy " + configured + " (HelmChartConfig kube-system/" + name + " of an earlier run)");
            return new Recovery(step, configured, null, latest.filter(r -> HelmRelease.FAILED.contains(r.status()))
                    .map(HelmRelease.Revision::uid).orElse(null), true);
        }
        if (ours) {
            context.change(bootstrap.name(), "delete HelmChartConfig kube-system/" + name + " left by an earlier run (release "
                    + name + " is " + latest.map(HelmRelease.Revision::status).orElse("absent") + ")",
                    () -> kubectl.delete("helmchartconfig", "kube-system", name));
            return Recovery.none(step, ABORT);
        }
        String policy;
        String why;
        if (state == HelmRelease.State.FAILED_NEVER_DEPLOYED) {
            policy = "reinstall";
            why = "failed on its first install (revision " + latest.orElseThrow().version() + describe(latest.get())
                    + ") and was never deployed: klipper-helm is to uninstall it and install it again";
        } else if (state == HelmRelease.State.FAILED_ONCE_DEPLOYED && (chartChanges || !sameHash(latest.orElseThrow(),
                release.lastDeployed().orElseThrow()))) {
            policy = "retry";
            why = "failed to upgrade (revision " + latest.orElseThrow().version() + describe(latest.get()) + ") from deployed revision "
                    + release.lastDeployed().orElseThrow().version() + " to another chart: klipper-helm is to upgrade it again from the "
                    + "failed state (nothing is uninstalled)";
        } else {
            return Recovery.none(step, configured);
        }
        if (config.isPresent()) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + step.app() + ": release " + name + " in "
                    + namespace + " is " + latest.orElseThrow().status() + ", and HelmChartConfig kube-system/" + name + ", which "
                    + "seed-bootstrap did not write, decides its failure handling (failurePolicy " + configured + "); install does not "
                    + "change it. Set its failurePolicy to " + policy + " until the job completes, or delete it, then run install again");
        }
        context.reporter().info(bootstrap.name(), step.app() + ": release " + name + " in " + namespace + " " + why
                + " (failurePolicy " + policy + " for this run)");
        long[] at = {0};
        context.change(bootstrap.name(), "create HelmChartConfig kube-system/" + name + " with failurePolicy " + policy + ", so klipper-helm "
                + (policy.equals("reinstall") ? "uninstalls the failed release " + name + " (never deployed) and installs it again"
                        : "upgrades the failed release " + name + " again") + "; deleted when its job is done", () -> {
                    at[0] = node.system().clock();
                    kubectl.withStdin(Kubectl.APPLY, Json.json().writeValueAsBytes(recoveryConfig(name, policy)), "helmchartconfig " + name);
                });
        return new Recovery(step, policy, at[0], latest.get().uid(), true);
    }

    private static String describe(HelmRelease.Revision revision) {
        String description = revision.description();
        return description.isEmpty() ? "" : ": " + firstLine(description);
    }

    /** Whether two revisions were made from the same chart and values (their config hash labels, entry:257-259). */
    private static boolean sameHash(HelmRelease.Revision a, HelmRelease.Revision b) {
        return a.configHash().isEmpty() || b.configHash().isEmpty() || a.configHash().equals(b.configHash());
    }

    /** The HelmChartConfig that sets a failure policy for one HelmChart (contract D; helm-controller types.go). */
    public static JsonNode recoveryConfig(String helmChartName, String failurePolicy) {
        var root = Json.json().createObjectNode().put("apiVersion", "helm.cattle.io/v1").put("kind", "HelmChartConfig");
        var metadata = root.putObject("metadata").put("name", helmChartName).put("namespace", "kube-system");
        metadata.putObject("labels").put(RECOVERY_LABEL, "true");
        metadata.putObject("annotations").put("seed-bootstrap/why", "the release is failed and failurePolicy abort leaves it so; "
                + "seed-bootstrap sets " + failurePolicy + " for one run of install and deletes this when the chart's job is done");
        root.putObject("spec").put("failurePolicy", failurePolicy);
        return root;
    }

    /**
     * A seed app's failure handling for this run: the policy klipper-helm applies (ours is abort),
     * and, when this run has it reinstall a failed first install, since when (host time, epoch
     * seconds) and which failed revision (Secret uid) was there before, which does not count as a
     * new failure.
     */
    record Recovery(AppStep step, String policy, Long since, String staleFailure, boolean acting) {
        static Recovery none(AppStep step, String policy) {
            return new Recovery(step, policy, null, null, false);
        }

        /** Whether this failed revision means the job cannot succeed without someone acting. */
        boolean stuckOn(HelmRelease.Revision latest) {
            if (!HelmRelease.FAILED.contains(latest.status())) {
                return false;
            }
            return acting ? !latest.uid().equals(staleFailure) : ABORT.equals(policy);
        }

        /** Deletes the HelmChartConfig that set reinstall: abort holds again (a no-op without one). */
        void finish(RunContext context, Host bootstrap, Kubectl kubectl) {
            if (!acting) {
                return;
            }
            String name = step.helmChartName();
            context.change(bootstrap.name(), "delete HelmChartConfig kube-system/" + name + " (failurePolicy abort again for " + step.app()
                    + ")", () -> kubectl.delete("helmchartconfig", "kube-system", name));
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    /** A dry run before the first start has no API to ask: everything is then planned as new. */
    private boolean apiAnswers(RunContext context, Kubectl kubectl) {
        try {
            kubectl.get("namespace", null, "kube-system");
            return true;
        } catch (Kubectl.Unreachable e) {
            if (context.dryRun()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * A.9: RKE2 reads the PodSecurity config only at start, so the file the bootstrap server has
     * must already exempt the apps' namespaces; a seed started without them would reject their pods.
     */
    private void checkPodSecurity(RunContext context, NodeFiles files) {
        if (context.inventory().rke2().profile() != Rke2.Profile.CIS || !files.exists(Rke2Paths.POD_SECURITY_CONFIG)) {
            return;
        }
        String text = files.read(Rke2Paths.POD_SECURITY_CONFIG);
        List<String> exempt = new ArrayList<>();
        try {
            JsonNode namespaces = ConfigYaml.mapper().readTree(text).path("plugins").path(0).path("configuration").path("exemptions")
                    .path("namespaces");
            namespaces.forEach(n -> exempt.add(n.asText()));
        } catch (IOException e) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + Rke2Paths.POD_SECURITY_CONFIG + " is not YAML: "
                    + e.getMessage());
        }
        List<String> open = SeedApps.notExempt(context.inventory(), exempt);
        if (!open.isEmpty()) {
            throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": the PodSecurity config RKE2 runs with ("
                    + Rke2Paths.POD_SECURITY_CONFIG + ") does not exempt " + open + " from restricted (contract A.9); their pods "
                    + "would be rejected. Re-run with --apply-config-changes to write it and restart the servers");
        }
    }

    private void ensureNamespace(RunContext context, Kubectl kubectl, boolean live, AppStep.Namespace namespace) {
        Optional<JsonNode> existing = live ? kubectl.get("namespace", null, namespace.name()) : Optional.empty();
        if (existing.isPresent() && hasLabels(existing.get(), namespace.labels())) {
            return;
        }
        String what = existing.isPresent() ? "label namespace " + namespace.name() + " " + namespace.labels()
                : "create namespace " + namespace.name() + (namespace.labels().isEmpty() ? "" : " " + namespace.labels());
        context.change(bootstrap.name(), what, () -> kubectl.withStdin(Kubectl.APPLY, namespace.json(), "namespace " + namespace.name()));
    }

    /** Created once when absent; re-applied only when its non-secret part (a certificate, labels, a URL) differs. */
    private void ensureSecret(RunContext context, Kubectl kubectl, boolean live, KubeSecret secret) {
        Optional<JsonNode> existing = live ? kubectl.get("secret", secret.namespace(), secret.name()) : Optional.empty();
        if (existing.isEmpty()) {
            context.change(bootstrap.name(), "create " + secret.describe() + " with kubectl, on stdin",
                    () -> kubectl.withStdin("create", secret.json(), secret.describe()));
            return;
        }
        if (secret.createOnly() || upToDate(existing.get(), secret)) {
            return;
        }
        context.change(bootstrap.name(), "update " + secret.describe() + " (its certificate, URL, labels or annotations changed) with kubectl, on stdin",
                () -> kubectl.withStdin(Kubectl.APPLY, secret.json(), secret.describe()));
    }

    /** Whether the cluster's copy of a Secret already has its labels, annotations and non-secret data (no re-apply then). */
    static boolean upToDate(JsonNode existing, KubeSecret secret) {
        return hasMetadata(existing, "labels", secret.labels()) && hasMetadata(existing, "annotations", secret.annotations())
                && samePublicData(existing, secret);
    }

    private static boolean hasLabels(JsonNode object, Map<String, String> labels) {
        return hasMetadata(object, "labels", labels);
    }

    /** Whether the object's metadata.labels or metadata.annotations hold these entries. */
    private static boolean hasMetadata(JsonNode object, String field, Map<String, String> entries) {
        JsonNode present = object.path("metadata").path(field);
        return entries.entrySet().stream().allMatch(e -> e.getValue().equals(present.path(e.getKey()).asText(null)));
    }

    private static boolean samePublicData(JsonNode secret, KubeSecret desired) {
        JsonNode data = secret.path("data");
        for (Map.Entry<String, byte[]> entry : desired.publicData().entrySet()) {
            String value = data.path(entry.getKey()).asText(null);
            if (value == null || !Arrays.equals(Base64.getDecoder().decode(value), entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the host already has the file with this content and mode 0600. */
    private static boolean current(Map<String, NodeFiles.State> present, AppStep.AddOnFile file) {
        NodeFiles.State state = present.get(file.path());
        return state != null && state.matches(file.content().getBytes(StandardCharsets.UTF_8), "0600");
    }

    /** Writes a manifests-folder file whose content or mode differs; returns the host's time of the write (epoch seconds). */
    private Optional<Long> ensureFile(RunContext context, Node node, Map<String, NodeFiles.State> present, AppStep.AddOnFile file) {
        if (current(present, file)) {
            return Optional.empty();
        }
        byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
        long[] at = {0};
        context.change(bootstrap.name(), "write " + file.path() + " (0600, " + content.length + " bytes)", () -> {
            at[0] = node.system().clock();
            node.files().write(file.path(), content, "0600");
        });
        return Optional.of(at[0]);
    }

    /**
     * A job that used up its backoffLimit stays Failed: helm-controller makes it again only when
     * its pod template changes or the job is gone (chart.go: a job that is not complete is left
     * alone while its template is the same; it watches the jobs it owns). Once the operator fixed
     * the cause, the re-run deletes it so the chart is tried again; returns the host's time of the
     * delete, before which a job does not count. (A release left failed is {@link #recovery}'s.)
     */
    private Optional<Long> rerunFailedJob(RunContext context, Node node, Kubectl kubectl, AppStep step, Optional<JsonNode> found) {
        String job = jobName(step);
        if (found.isEmpty() || condition(found.get(), "Failed") == null) {
            return Optional.empty();
        }
        long[] at = {0};
        context.change(bootstrap.name(), "delete failed job kube-system/" + job + " so the helm-controller runs " + step.app() + "'s chart again",
                () -> {
                    at[0] = node.system().clock();
                    kubectl.delete("job", "kube-system", job);
                });
        return Optional.of(at[0]);
    }

    private static String jobName(AppStep step) {
        return "helm-install-" + step.helmChartName();
    }

    /**
     * D: the helm-controller runs Job helm-install-&lt;name&gt; in the HelmChart's namespace. After a
     * write (or a delete), a job that started before it is the previous revision's and does not
     * count. Done is what helm-controller itself calls done (chart.go): the job Complete and the
     * release's latest revision deployed with the config hash the job ran with (a job also
     * completes without acting when the release moved under it, entry:149-158; helm-controller
     * then runs it again). A release left failed under failurePolicy abort stops the wait at once:
     * the job's every run only waits for an operator (entry:68-75), retrying for its backoffLimit
     * (1000 by default, chart.go) without ever failing. A Failed or overdue job stops it too. The
     * error quotes the job's log, which passes {@code redactor} first: a chart's error may echo a
     * value it was given.
     */
    private void waitForJob(RunContext context, Kubectl kubectl, AppStep step, Long notBefore, Recovery recovery, Observed known,
            Redactor redactor) {
        String job = jobName(step);
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        context.reporter().info(bootstrap.name(), step.app() + ": waiting for job kube-system/" + job);
        while (true) {
            Optional<JsonNode> found = known != null ? known.job() : kubectl.get("job", "kube-system", job);
            HelmRelease release = known != null ? known.release() : HelmRelease.read(kubectl, step.releaseNamespace(), step.helmChartName());
            known = null;
            if (found.isPresent() && (notBefore == null || startedAt(found.get()) >= notBefore)) {
                if (condition(found.get(), "Complete") != null && deployedAsTheJobSays(found.get(), release)) {
                    return;
                }
                String failed = condition(found.get(), "Failed");
                if (failed != null) {
                    throw jobFailure(context, kubectl, step, "failed: " + failed.lines().findFirst().orElse(""), redactor);
                }
            }
            Optional<HelmRelease.Revision> latest = release.latest();
            if (latest.isPresent() && recovery.stuckOn(latest.get())) {
                throw releaseFailure(context, kubectl, step, release, recovery, redactor);
            }
            if (Instant.now().isAfter(deadline)) {
                // with the default backOffLimit (D) a failing job restarts its pod for a long time instead of failing
                String state = found.map(j -> "active " + j.path("status").path("active").asInt(0) + ", failed "
                        + j.path("status").path("failed").asInt(0)).orElse("no such job yet");
                throw jobFailure(context, kubectl, step, "did not complete within " + context.options().waitTimeout().toSeconds()
                        + " s (" + state + "; release " + latest.map(r -> "revision " + r.version() + " " + r.status()).orElse("not there")
                        + ")", redactor);
            }
            Rke2Start.pause("the seed apps");
        }
    }

    /** A chart's job and release as read before the wait. */
    private record Observed(Optional<JsonNode> job, HelmRelease release) {}

    /** chart.go: a completed job is done when the latest release is deployed with the job's CONFIG_HASH. */
    private static boolean deployedAsTheJobSays(JsonNode job, HelmRelease release) {
        Optional<HelmRelease.Revision> latest = release.latest();
        if (latest.isEmpty() || !latest.get().status().equals("deployed")) {
            return false;
        }
        String hash = "";
        for (JsonNode container : job.path("spec").path("template").path("spec").path("containers")) {
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals("CONFIG_HASH")) {
                    hash = env.path("value").asText("");
                }
            }
        }
        return hash.isEmpty() || hash.equals(latest.get().configHash());
    }

    /** One error for a seed app's job: which app, chart and job, what happened, its log's tail, what to do (exit 1). */
    private SeedException jobFailure(RunContext context, Kubectl kubectl, AppStep step, String what, Redactor redactor) {
        String job = jobName(step);
        String message = bootstrap.name() + ": " + step.app() + " (HelmChart kube-system/" + step.helmChartName() + "): job kube-system/"
                + job + " " + what + "\n" + logTail(kubectl, step)
                + "\nFix what the log shows (an image missing from the site registry: `seed-bootstrap bundle push`; a value: the "
                + "inventory's apps section; `kubectl -n kube-system describe job " + job + "` shows its pods), then run install "
                + "again: it runs a failed job of an unchanged chart again. The full log of this run: " + context.reporter().logFile();
        return new SeedException(ExitCode.FAILED, redactor.redact(message));
    }

    /**
     * One error for a release the job cannot get past (exit 1): its revision and helm's own
     * description of the failure, the job's log, and what to do, which depends on whether the
     * release was ever deployed.
     */
    private SeedException releaseFailure(RunContext context, Kubectl kubectl, AppStep step, HelmRelease release, Recovery recovery,
            Redactor redactor) {
        HelmRelease.Revision failed = release.latest().orElseThrow();
        String name = step.helmChartName();
        String description = failed.description();
        String what = "release " + name + " in " + release.namespace() + " is " + failed.status() + " (revision " + failed.version()
                + (description.isEmpty() ? "" : ": " + firstLine(description)) + ")";
        String fix = "Fix what the log shows (an image missing from the site registry: `seed-bootstrap bundle push`; a value: the "
                + "inventory's apps section), then run install again";
        String advice;
        Optional<HelmRelease.Revision> deployed = release.lastDeployed();
        if (recovery.acting()) {
            advice = (recovery.policy().equals("retry") ? "klipper-helm upgraded the failed release again (failurePolicy retry)"
                    : "klipper-helm uninstalled the failed release and installed it again (failurePolicy reinstall)")
                    + ", and that failed too; failurePolicy is abort again. " + fix + ": it has klipper-helm try again the same way, "
                    + "and leaves the other apps as they are.";
        } else if (deployed.isPresent()) {
            advice = "Revision " + deployed.get().version() + " was deployed before with the chart install asks for now, and install never "
                    + "uninstalls or upgrades again a release that was deployed unless its chart changes. With failurePolicy abort "
                    + "klipper-helm leaves it to an operator: fix what the log shows and bring the release back to deployed (e.g. `helm -n "
                    + release.namespace() + " rollback " + name + " " + deployed.get().version() + "`), then run install again.";
        } else {
            advice = "It was never deployed. With failurePolicy abort klipper-helm leaves a failed release to an operator, and every run "
                    + "of the job only waits for one. " + fix + ": for a release that never reached deployed it has klipper-helm "
                    + "uninstall it and install it again, and leaves the other apps as they are.";
        }
        String message = bootstrap.name() + ": " + step.app() + " (HelmChart kube-system/" + name + "): " + what + "; job kube-system/"
                + jobName(step) + (recovery.acting() ? " failed again" : " waits for an operator") + "\n"
                + logTail(kubectl, step) + "\n" + advice + " The full log of this run: " + context.reporter().logFile();
        return new SeedException(ExitCode.FAILED, redactor.redact(message));
    }

    private String logTail(Kubectl kubectl, AppStep step) {
        String job = jobName(step);
        String log = kubectl.logs("kube-system", "job/" + job, LOG_LINES).strip();
        return "Last lines of its log (`kubectl -n kube-system logs job/" + job + "`):\n"
                + (log.isEmpty() ? "(empty)" : log).indent(2).stripTrailing();
    }

    /** Enough of a helm-install log for its error, which helm prints last. */
    static final int LOG_LINES = 25;

    private static long startedAt(JsonNode job) {
        String start = job.path("status").path("startTime").asText("");
        try {
            return Instant.parse(start).getEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The condition's message (or its type) when it is True, else null. */
    private static String condition(JsonNode object, String type) {
        for (JsonNode condition : object.path("status").path("conditions")) {
            if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
                return condition.path("message").asText(type);
            }
        }
        return null;
    }

    /**
     * Whether RKE2 already applied exactly this content (its AddOn records the sha256, D), as when
     * the file was deleted or edited by hand and is now written back: the HelmChart does not
     * change then, so the job of that content is the one to look at, not a new one.
     */
    private static boolean applied(Kubectl kubectl, AppStep.AddOnFile file) {
        return kubectl.get("addon", "kube-system", file.addOnName()).map(a -> records(a, file)).orElse(false);
    }

    /** D: the sha256 RKE2 records on a file's AddOn is the one of the content it applied. */
    private static boolean records(JsonNode addon, AppStep.AddOnFile file) {
        return NodeFiles.sha256(file.content()).equals(addon.path("spec").path("checksum").asText());
    }

    /** D: RKE2 records each manifests-folder file as AddOn kube-system/&lt;basename&gt; with the sha256 it applied. */
    private void waitForAddOn(RunContext context, Kubectl kubectl, AppStep.AddOnFile file) {
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        while (true) {
            Optional<JsonNode> addon = kubectl.get("addon", "kube-system", file.addOnName());
            String error = addon.map(a -> a.path("status").path("error").asText("")).orElse("");
            if (addon.isPresent() && records(addon.get(), file) && error.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SeedException(ExitCode.FAILED, bootstrap.name() + ": RKE2 did not apply " + file.path() + " within "
                        + context.options().waitTimeout().toSeconds() + " s" + (error.isEmpty() ? "" : ": " + error)
                        + "; see `journalctl -u rke2-server`. The full log of this run: " + context.reporter().logFile());
            }
            Rke2Start.pause("the seed apps");
        }
    }


    /**
     * Passwords the inventory leaves out: generated once, saved 0600 beside the kubeconfig
     * (never printed or logged), and reused while the file exists — asked for only when the Secret
     * that holds them is created.
     */
    private static final class LocalPasswords implements SeedApps.Passwords {
        private final RunContext context;
        private final Path dir;

        LocalPasswords(RunContext context, Path dir) {
            this.context = context;
            this.dir = dir;
        }

        /** The passwords the apps have now (inventory or saved file), without generating any: what messages must not show. */
        List<Secret> known() {
            List<Secret> known = new ArrayList<>();
            Optional.ofNullable(context.inventory().apps().rancher().bootstrapPassword()).ifPresent(known::add);
            Optional.ofNullable(context.inventory().apps().argocd().adminPassword()).ifPresent(known::add);
            for (String what : List.of("rancher-bootstrap-password", "argocd-admin-password")) {
                Path file = dir.resolve(context.inventory().cluster().name() + "-" + what);
                try {
                    if (Files.isRegularFile(file)) {
                        known.add(Secret.literal(Files.readString(file).strip()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
            return known;
        }

        @Override
        public Secret rancherBootstrap() {
            return Optional.ofNullable(context.inventory().apps().rancher().bootstrapPassword())
                    .orElseGet(() -> saved("rancher-bootstrap-password"));
        }

        @Override
        public Secret argocdAdmin() {
            return Optional.ofNullable(context.inventory().apps().argocd().adminPassword()).orElseGet(() -> saved("argocd-admin-password"));
        }

        private Secret saved(String what) {
            Path file = dir.resolve(context.inventory().cluster().name() + "-" + what);
            try {
                if (!Files.exists(file)) {
                    byte[] random = new byte[24];
                    new SecureRandom().nextBytes(random);
                    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                    context.change(RunContext.OPERATOR, "write " + file + " (0600, a generated password)",
                            () -> FetchKubeconfig.writePrivate(file, value + "\n"));
                    context.reporter().info(null, "generated " + what + ", saved in " + file + " (0600)");
                }
                return Secret.literal(Files.readString(file).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save " + file, e);
            }
        }
    }
}
