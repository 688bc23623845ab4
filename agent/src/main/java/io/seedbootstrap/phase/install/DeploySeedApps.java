package io.seedbootstrap.phase.install;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.KubeSecret;
import io.seedbootstrap.apps.SeedApps;
import io.seedbootstrap.host.RemoteFiles;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Rke2;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.SiteMaterial;
import io.seedbootstrap.rke2.ConfigYaml;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Redactor;
import io.seedbootstrap.support.SeedException;
import io.seedbootstrap.support.Secret;
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
        RemoteHost remote = context.host(bootstrap.name());
        Kubectl kubectl = new Kubectl(remote);
        LocalPasswords passwords = new LocalPasswords(context, localDir);
        List<AppStep> steps = SeedApps.plan(new SeedApps.Input(inventory, BundleCharts.of(context.state().get(null, VerifyBundle.BUNDLE)),
                new SiteMaterial(pkiDir), passwords, new SecureRandom(), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        checkPodSecurity(context, remote);
        boolean live = apiAnswers(context, kubectl);
        List<String> paths = new ArrayList<>();
        for (AppStep step : steps) {
            paths.add(step.chart().path());
            step.afterChart().forEach(f -> paths.add(f.path()));
        }
        Map<String, RemoteFiles.State> present = RemoteFiles.states(remote, paths);
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
            Optional<Long> written = ensureFile(context, remote, present, step.chart());
            if (appliedBefore) {
                written = Optional.empty(); // the file was put back as RKE2 last applied it: no new job will come
            }
            if (written.isEmpty() && live) {
                written = rerunFailedJob(context, remote, kubectl, step);
            }
            if (context.dryRun()) {
                step.afterChart().forEach(file -> ensureFile(context, remote, present, file));
                continue;
            }
            waitForJob(context, kubectl, step, written.orElse(null), Redactor.of(passwords.known()));
            for (AppStep.AddOnFile file : step.afterChart()) {
                ensureFile(context, remote, present, file);
                waitForAddOn(context, kubectl, file);
            }
            context.reporter().info(bootstrap.name(), step.app() + ": installed");
        }
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
    private void checkPodSecurity(RunContext context, RemoteHost remote) {
        if (context.inventory().rke2().profile() != Rke2.Profile.CIS || !RemoteFiles.exists(remote, Rke2Paths.POD_SECURITY_CONFIG)) {
            return;
        }
        String text = remote.exec(RemoteCommand.shell("cat " + Rke2Paths.POD_SECURITY_CONFIG).asRoot()).stdout();
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
        if (secret.createOnly() || (hasLabels(existing.get(), secret.labels()) && samePublicData(existing.get(), secret))) {
            return;
        }
        context.change(bootstrap.name(), "update " + secret.describe() + " (its certificate, URL or labels changed) with kubectl, on stdin",
                () -> kubectl.withStdin(Kubectl.APPLY, secret.json(), secret.describe()));
    }

    private static boolean hasLabels(JsonNode object, Map<String, String> labels) {
        JsonNode present = object.path("metadata").path("labels");
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(present.path(e.getKey()).asText(null)));
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
    private static boolean current(Map<String, RemoteFiles.State> present, AppStep.AddOnFile file) {
        RemoteFiles.State state = present.get(file.path());
        return state != null && state.sha256().equals(RemoteFiles.sha256(file.content())) && state.mode().equals("0600");
    }

    /** Writes a manifests-folder file whose content or mode differs; returns the host's time of the write (epoch seconds). */
    private Optional<Long> ensureFile(RunContext context, RemoteHost remote, Map<String, RemoteFiles.State> present, AppStep.AddOnFile file) {
        if (current(present, file)) {
            return Optional.empty();
        }
        byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
        long[] at = {0};
        context.change(bootstrap.name(), "write " + file.path() + " (0600, " + content.length + " bytes)", () -> {
            at[0] = hostTime(remote);
            RemoteFiles.write(remote, file.path(), content, "0600");
        });
        return Optional.of(at[0]);
    }

    private static long hostTime(RemoteHost remote) {
        return Long.parseLong(remote.exec(RemoteCommand.shell("date +%s")).stdout().strip());
    }

    /**
     * A job that failed in an earlier run of an unchanged chart stays Failed: the helm-controller
     * creates it again only when the HelmChart changes or the job is gone (D; it watches the jobs
     * its charts own). Once the operator fixed the cause, the re-run deletes it so the chart is
     * tried again; returns the host's time of the delete, before which a job does not count.
     */
    private Optional<Long> rerunFailedJob(RunContext context, RemoteHost remote, Kubectl kubectl, AppStep step) {
        String job = jobName(step);
        Optional<JsonNode> found = kubectl.get("job", "kube-system", job);
        if (found.isEmpty() || condition(found.get(), "Failed") == null) {
            return Optional.empty();
        }
        long[] at = {0};
        context.change(bootstrap.name(), "delete failed job kube-system/" + job + " so the helm-controller runs " + step.app() + "'s chart again",
                () -> {
                    at[0] = hostTime(remote);
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
     * count. A failed or overdue job stops the install with its log's last lines, which pass
     * {@code redactor} first: a chart's error may echo a value it was given.
     */
    private void waitForJob(RunContext context, Kubectl kubectl, AppStep step, Long notBefore, Redactor redactor) {
        String job = jobName(step);
        Instant deadline = Instant.now().plus(context.options().waitTimeout());
        context.reporter().info(bootstrap.name(), step.app() + ": waiting for job kube-system/" + job);
        while (true) {
            Optional<JsonNode> found = kubectl.get("job", "kube-system", job);
            if (found.isPresent() && (notBefore == null || startedAt(found.get()) >= notBefore)) {
                String complete = condition(found.get(), "Complete");
                String failed = condition(found.get(), "Failed");
                if (complete != null) {
                    return;
                }
                if (failed != null) {
                    throw jobFailure(context, kubectl, step, "failed: " + failed.lines().findFirst().orElse(""), redactor);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                // with the default backOffLimit (D) a failing job restarts its pod for a long time instead of failing
                String state = found.map(j -> "active " + j.path("status").path("active").asInt(0) + ", failed "
                        + j.path("status").path("failed").asInt(0)).orElse("no such job yet");
                throw jobFailure(context, kubectl, step, "did not complete within " + context.options().waitTimeout().toSeconds()
                        + " s (" + state + ")", redactor);
            }
            Rke2Service.pause("the seed apps");
        }
    }

    /** One error for a seed app's job: which app, chart and job, what happened, its log's tail, what to do (exit 1). */
    private SeedException jobFailure(RunContext context, Kubectl kubectl, AppStep step, String what, Redactor redactor) {
        String job = jobName(step);
        String log = kubectl.text("-n kube-system logs job/" + job + " --tail=" + LOG_LINES, "kubectl logs job/" + job).strip();
        String message = bootstrap.name() + ": " + step.app() + " (HelmChart kube-system/" + step.helmChartName() + "): job kube-system/"
                + job + " " + what + "\nLast lines of its log (`kubectl -n kube-system logs job/" + job + "`):\n"
                + (log.isEmpty() ? "(empty)" : log).indent(2).stripTrailing()
                + "\nFix what the log shows (an image missing from the site registry: `seed-bootstrap bundle push`; a value: the "
                + "inventory's apps section; `kubectl -n kube-system describe job " + job + "` shows its pods), then run install "
                + "again: it runs a failed job of an unchanged chart again. The full log of this run: " + context.reporter().logFile();
        return new SeedException(ExitCode.FAILED, redactor.redact(message));
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
        return RemoteFiles.sha256(file.content()).equals(addon.path("spec").path("checksum").asText());
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
            Rke2Service.pause("the seed apps");
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
                    context.change(FetchKubeconfig.OPERATOR, "write " + file + " (0600, a generated password)",
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
