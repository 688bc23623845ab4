package io.seedbootstrap.apps;

import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.IngressController;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.pki.password.PasswordHashes;
import io.seedbootstrap.rke2.ConfigYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ArgoCD (contract F), pre-wired: the admin password as a bcrypt hash with a fixed mtime (F.1,
 * through valuesSecrets, never valuesContent), the server certificate from the PKI
 * ({@code argocd-server-tls}), the site's Git repository and its CA (F.4), the seed itself as a
 * cluster Secret carrying the inventory's labels (F.2: {@code in-cluster} has no Secret, so label
 * selectors would never match it), and one ApplicationSet installing each platform component on
 * the clusters labelled {@code app/<component>: install} (F.3), wave by wave (RollingSync).
 */
public final class ArgoCdApp {
    public static final String NAMESPACE = "argocd";
    public static final String HELM_CHART = "argocd";
    public static final String SERVER_TLS_SECRET = "argocd-server-tls";
    public static final String VALUES_SECRET = "seed-argocd-values";
    public static final String VALUES_KEY = "values.yaml";
    public static final String REPO_SECRET = "seed-site-repo";
    public static final String CLUSTER_SECRET = "seed-cluster";
    public static final String IN_CLUSTER = "https://kubernetes.default.svc";
    public static final String COMPONENTS_APPLICATION_SET = "seed-components";
    /** Labels of the generated Applications; RollingSync's steps select by the wave label. */
    public static final String COMPONENT_LABEL = "seed-bootstrap.io/component";
    public static final String WAVE_LABEL = "seed-bootstrap.io/wave";
    /** Its descriptor in {@link SeedApps#APPS}. */
    static final SeedApp APP = new SeedApp("ArgoCD", "apps.argocd", "argo-cd", List.of(NAMESPACE),
            inventory -> inventory.apps().argocd().enabled(), ArgoCdApp::step, ArgoCdApp::problems, HELM_CHART);

    private ArgoCdApp() {}

    /** F.1: the certificate behind its host name, when it has an ingress. */
    static List<String> problems(Inventory inventory, SiteMaterial site, Instant now) {
        String hostname = inventory.apps().argocd().hostname();
        return hostname != null ? site.leafProblems(hostname, "apps.argocd.hostname", now) : List.of();
    }

    static AppStep step(SeedApps.Input input) {
        Inventory inventory = input.inventory();
        String chart = HelmCharts.render(HELM_CHART, NAMESPACE, SeedApps.chart(input, APP.bundleChart()), values(inventory),
                List.of(new HelmCharts.ValuesSecret(VALUES_SECRET, VALUES_KEY)), "F");
        List<AppStep.AddOnFile> after = new ArrayList<>();
        if (!inventory.apps().components().isEmpty()) {
            after.add(new AppStep.AddOnFile("seed-argocd-applicationsets.yaml", applicationSets(inventory)));
        }
        List<AppStep.Namespace> namespaces = new ArrayList<>(List.of(new AppStep.Namespace(NAMESPACE, Map.of())));
        List<KubeSecret> secrets = secrets(input);
        if (!CatalogApps.enabled(inventory).isEmpty()) {
            CatalogApps.Entries catalog = input.charts().catalog();
            after.add(CatalogApps.applicationSetsFile(inventory, catalog, input.site()));
            secrets.add(CatalogApps.repositorySecret(inventory));
            // the seed opts in like any cluster (its labels): the credentials its catalog apps read are made here
            namespaces.addAll(CatalogApps.seedNamespaces(inventory, catalog));
            secrets.addAll(CatalogApps.seedSecrets(inventory, catalog));
        }
        return new AppStep(APP.title(), namespaces, secrets,
                new AppStep.AddOnFile("seed-argocd.yaml", chart), HELM_CHART, after);
    }

    static Map<String, Object> values(Inventory inventory) {
        Apps.ArgoCd argocd = inventory.apps().argocd();
        Map<String, Object> values = new LinkedHashMap<>();
        if (argocd.hostname() != null) {
            HelmCharts.put(values, "global.domain", argocd.hostname());
            // F.1: the ingress's TLS Secret is argocd-server-tls, created from the PKI's leaf
            HelmCharts.put(values, "server.ingress.enabled", true);
            HelmCharts.put(values, "server.ingress.hostname", argocd.hostname());
            HelmCharts.put(values, "server.ingress.tls", true);
            // TLS ends at the ingress (argo-helm README "SSL Termination at Ingress Controller"): argocd-server
            // serves plain HTTP, and the chart's Ingress then targets its http port (templates/argocd-server/
            // ingress.yaml, $servicePort). Left serving TLS it answers the ingress's plain HTTP with a redirect to
            // https, in a loop (argo-cd server/server.go). Both RKE2 ingress controllers speak HTTP to port 80.
            HelmCharts.putKey(values, "configs.params", "server.insecure", true);
            if (inventory.cluster().ingressController() == IngressController.TRAEFIK) {
                // Traefik serves an Ingress on every entrypoint unless told: keep ArgoCD's login off plain HTTP
                HelmCharts.putKey(values, "server.ingress.annotations", "traefik.ingress.kubernetes.io/router.entrypoints", "websecure");
                HelmCharts.putKey(values, "server.ingress.annotations", "traefik.ingress.kubernetes.io/router.tls", "true");
            }
        }
        HelmCharts.put(values, "configs.secret.createSecret", true);
        if (!inventory.apps().components().isEmpty()) {
            // Progressive-Syncs.md: RollingSync (the components' waves, applicationSets) works only when enabled
            HelmCharts.putKey(values, "configs.params", "applicationsetcontroller.enable.progressive.syncs", true);
        }
        Apps.GitRepo repo = argocd.repo();
        Map<String, String> certificates = new LinkedHashMap<>();
        if (repo != null && repo.caFile() != null) {
            // F.4: argocd-tls-certs-cm, keyed by the Git server's host name (no scheme, no port)
            certificates.put(host(repo.url()), read(repo.caFile()));
        }
        if (!CatalogApps.enabled(inventory).isEmpty()) {
            // F.4/F.5: the same for the site registry serving the catalog's OCI charts
            CatalogApps.registryCa(inventory).ifPresent(ca -> certificates.merge(ca.getKey(), ca.getValue(), (a, b) -> a.equals(b) ? a : a + b));
        }
        if (!certificates.isEmpty()) {
            HelmCharts.put(values, "configs.tls.certificates", certificates);
        }
        HelmCharts.put(values, "dex.enabled", false); // F.1: no SSO configured here
        return values;
    }

    static List<KubeSecret> secrets(SeedApps.Input input) {
        Inventory inventory = input.inventory();
        Apps.ArgoCd argocd = inventory.apps().argocd();
        List<KubeSecret> secrets = new ArrayList<>();
        if (argocd.hostname() != null) {
            var leaf = input.site().leaf(argocd.hostname());
            secrets.add(new KubeSecret(NAMESPACE, SERVER_TLS_SECRET, KubeSecret.TLS, Map.of(), Map.of("tls.crt", leaf.certificate()),
                    () -> Map.of("tls.key", leaf.key()), false));
        }
        // F.1: bcrypt hash and a fixed mtime, made once with the Secret (a new mtime would end every session)
        secrets.add(new KubeSecret("kube-system", VALUES_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of(), () -> KubeSecret.utf8(Map.of(VALUES_KEY,
                valuesSecretYaml(PasswordHashes.bcrypt(input.passwords().argocdAdmin(), input.random()), input.now().toString()))), true));
        Apps.GitRepo repo = argocd.repo();
        if (repo != null) {
            Map<String, String> visible = new LinkedHashMap<>();
            visible.put("type", "git");
            visible.put("url", repo.url());
            if (repo.username() != null) {
                visible.put("username", repo.username());
            }
            secrets.add(new KubeSecret(NAMESPACE, REPO_SECRET, KubeSecret.OPAQUE, Map.of("argocd.argoproj.io/secret-type", "repository"),
                    KubeSecret.utf8(visible), () -> {
                        Map<String, String> hidden = new LinkedHashMap<>();
                        if (repo.password() != null) {
                            hidden.put("password", repo.password().reveal());
                        }
                        if (repo.sshPrivateKeyFile() != null) {
                            hidden.put("sshPrivateKey", read(repo.sshPrivateKeyFile()));
                        }
                        return KubeSecret.utf8(hidden);
                    }, false));
        }
        secrets.add(clusterSecret(inventory));
        return secrets;
    }

    static String valuesSecretYaml(String bcryptHash, String mtime) {
        Map<String, Object> values = new LinkedHashMap<>();
        HelmCharts.put(values, "configs.secret.argocdServerAdminPassword", bcryptHash);
        HelmCharts.put(values, "configs.secret.argocdServerAdminPasswordMtime", mtime);
        return ConfigYaml.write(values);
    }

    /**
     * F.2: the seed as a cluster Secret with its labels and annotations (the cluster generator's
     * metadata.labels / metadata.annotations, which catalog entries read per-cluster values from);
     * nothing secret in it (in-cluster credentials).
     */
    static KubeSecret clusterSecret(Inventory inventory) {
        Map<String, String> labels = new LinkedHashMap<>(inventory.apps().seedLabels());
        labels.put("argocd.argoproj.io/secret-type", "cluster");
        Map<String, String> data = new LinkedHashMap<>();
        data.put("name", inventory.cluster().name());
        data.put("server", IN_CLUSTER);
        data.put("config", "{\"tlsClientConfig\":{\"insecure\":false}}");
        return new KubeSecret(NAMESPACE, CLUSTER_SECRET, KubeSecret.OPAQUE, labels, inventory.apps().seedAnnotations(), KubeSecret.utf8(data),
                Map::of, false);
    }

    /**
     * F.3: one ApplicationSet for all components: a matrix of the components (a list generator) and,
     * per component, the clusters labelled {@code app/<name>: install} (a cluster generator whose
     * selector uses the component's parameter; Generators-Matrix.md "Using Parameters from one child
     * generator in another", map keys are templated too: applicationset/utils deeplyReplace).
     * Components are ordered by their wave with Progressive Syncs' RollingSync (Progressive-Syncs.md):
     * one step per wave, lowest first, each step waiting for its Applications to be Healthy. A
     * sync-wave annotation on generated Applications would order nothing (waves order resources
     * within one sync), and RollingSync orders only the Applications of one ApplicationSet, hence
     * one ApplicationSet. The chart enables progressive syncs ({@link #values}).
     */
    static String applicationSets(Inventory inventory) {
        Apps.GitRepo repo = inventory.apps().argocd().repo();
        Map<String, Object> document = HelmCharts.object("argoproj.io/v1alpha1", "ApplicationSet", COMPONENTS_APPLICATION_SET, NAMESPACE);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("goTemplate", true);
        spec.put("goTemplateOptions", List.of("missingkey=error"));
        List<Map<String, Object>> elements = new ArrayList<>();
        java.util.SortedSet<Integer> waves = new java.util.TreeSet<>();
        for (Apps.Component component : inventory.apps().components()) {
            // parameter names apart from the cluster generator's (name, nameNormalized, server, project, metadata.*):
            // a matrix fails on a key both children produce
            Map<String, Object> element = new LinkedHashMap<>();
            element.put("component", component.name());
            element.put("componentNamespace", component.namespace() != null ? component.namespace() : component.name());
            element.put("componentPath", component.path() != null ? component.path() : repo.path() + "/" + component.name());
            element.put("wave", waveLabel(component.wave()));
            elements.add(element);
            waves.add(component.wave());
        }
        Map<String, Object> clusters = Map.of("clusters", Map.of("selector", Map.of("matchLabels", Map.of("app/{{.component}}", "install"))));
        spec.put("generators", List.of(Map.of("matrix", Map.of("generators", List.of(Map.of("list", Map.of("elements", elements)), clusters)))));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int wave : waves) {
            Map<String, Object> expression = new LinkedHashMap<>();
            expression.put("key", WAVE_LABEL);
            expression.put("operator", "In");
            expression.put("values", List.of(waveLabel(wave)));
            steps.add(Map.of("matchExpressions", List.of(expression)));
        }
        Map<String, Object> strategy = new LinkedHashMap<>();
        strategy.put("type", "RollingSync");
        strategy.put("rollingSync", Map.of("steps", steps));
        spec.put("strategy", strategy);

        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put(COMPONENT_LABEL, "{{.component}}");
        labels.put(WAVE_LABEL, "{{.wave}}");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "{{.nameNormalized}}-{{.component}}");
        metadata.put("labels", labels);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("repoURL", repo.url());
        source.put("targetRevision", repo.revision());
        source.put("path", "{{.componentPath}}");
        Map<String, Object> syncPolicy = new LinkedHashMap<>();
        // under RollingSync the controller drops `automated` from the Applications and syncs them itself, step by
        // step, whenever they are OutOfSync; it keeps automated.prune for those syncs (applicationset controller
        // syncValidApplications), so removed manifests are still pruned
        syncPolicy.put("automated", Map.of("prune", true));
        syncPolicy.put("syncOptions", List.of("CreateNamespace=true"));
        spec.put("template", applicationTemplate(metadata, source, "{{.componentNamespace}}", syncPolicy));
        document.put("spec", spec);
        return HelmCharts.documents("contract F.3: the platform components for clusters labelled app/<name>: install, "
                + "synced wave by wave (RollingSync)", List.of(document));
    }

    /**
     * The Application an ApplicationSet stamps out per generated cluster (F.3): project default,
     * {@code source}, the cluster's server ({@code {{.server}}}) and {@code namespace}, {@code syncPolicy}.
     */
    static Map<String, Object> applicationTemplate(Map<String, Object> metadata, Map<String, Object> source, String namespace,
            Map<String, Object> syncPolicy) {
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("server", "{{.server}}");
        destination.put("namespace", namespace);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("project", "default");
        spec.put("source", source);
        spec.put("destination", destination);
        spec.put("syncPolicy", syncPolicy);
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", metadata);
        template.put("spec", spec);
        return template;
    }

    /** A label value for a wave: label values cannot start with '-', so "w" + the number ("w0", "w-5"). */
    static String waveLabel(int wave) {
        return "w" + wave;
    }

    static String host(String url) {
        String host = URI.create(url).getHost();
        return host != null ? host : url;
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
