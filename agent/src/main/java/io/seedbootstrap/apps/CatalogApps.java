package io.seedbootstrap.apps;

import io.seedbootstrap.bundle.bom.BomCatalogEntry;
import io.seedbootstrap.bundle.bom.BomClusterValue;
import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Registries;
import io.seedbootstrap.pki.ca.SiteMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform catalog (issue 18) as ArgoCD on the seed installs it: one ApplicationSet per
 * entry the inventory enables ({@code apps.catalog.install}), whose cluster generator selects the
 * ArgoCD clusters labelled {@code app/<name>: install} (contract F.3) and whose Applications take
 * the entry's chart from the site registry as an OCI Helm chart (F.5), with values that are the
 * same everywhere (the BOM's defaults, the images in the site registry, the inventory's site
 * values) and values each cluster's ArgoCD cluster Secret gives in its labels and annotations
 * (F.3: the generator's {@code metadata.labels.<key>} / {@code metadata.annotations.<key>}
 * parameters). external-secrets gets a ClusterSecretStore for the site's Vault, Velero a
 * BackupStorageLocation and a Schedule; both through the charts' {@code extraObjects}, so every
 * cluster that installs the chart gets them. Their credentials are Secrets (kubectl on stdin) on
 * the seed when the seed opts in; other clusters need the same Secret (see README "Platform catalog").
 */
public final class CatalogApps {
    /** Name of an entry's ApplicationSet: {@code catalog-<name>}. */
    public static final String APPLICATION_SET_PREFIX = "catalog-";
    /** Label of the generated Applications naming their catalog entry. */
    public static final String CATALOG_LABEL = "seed-bootstrap.io/catalog";
    /** The ArgoCD repository Secret of the site registry's chart repository (F.4, F.5). */
    public static final String REPOSITORY_SECRET = "seed-catalog-charts";
    /** Secret (key {@link #APPROLE_KEY}) holding the AppRole secret id external-secrets logs in to Vault with. */
    public static final String APPROLE_SECRET = "seed-vault-approle";
    public static final String APPROLE_KEY = "secretId";
    /** Secret (key {@link #VELERO_CREDENTIALS_KEY}) with the S3 credentials file velero-plugin-for-aws reads. */
    public static final String VELERO_CREDENTIALS_SECRET = "seed-velero-s3";
    public static final String VELERO_CREDENTIALS_KEY = "cloud";
    public static final String VELERO_LOCATION = "default";
    public static final String VELERO_SCHEDULE = "seed-scheduled";
    /** Default path of the chart repository in the site registry when the inventory names none. */
    public static final String DEFAULT_CHART_PATH = "charts";
    public static final String EXTERNAL_SECRETS = "external-secrets";
    public static final String VELERO = "velero";

    private CatalogApps() {}

    /** Where a per-cluster value comes from in the ArgoCD cluster Secret. */
    public enum Source {
        LABEL("labels"), ANNOTATION("annotations");

        private final String parameter;

        Source(String parameter) {
            this.parameter = parameter;
        }
    }

    /**
     * A chart value whose value each cluster gives (the BOM's {@code perClusterValues}).
     *
     * @param path   the value's path (Helm --set syntax, parsed: map keys and list indexes)
     * @param source label or annotation of the cluster's ArgoCD Secret
     * @param key    its key ({@code catalog.seed-bootstrap.io/traefik-load-balancer-ip})
     * @param required whether a cluster installing the entry must carry it (the hand-off says so)
     */
    public record ClusterValue(List<BomClusterValue.PathSegment> path, Source source, String key, boolean required, String description) {
        public ClusterValue {
            path = List.copyOf(path);
        }

        public ClusterValue(List<BomClusterValue.PathSegment> path, Source source, String key) {
            this(path, source, key, false, null);
        }
    }

    /**
     * A catalog entry as the bundle carries it (its BOM's catalog section). Its images come from the
     * site registry through each cluster's registry mirrors (bundle push pushes them under their
     * own repository names; registries.yaml on the seed, the hand-off module's cluster registries).
     *
     * @param namespace the namespace it is installed into unless the inventory names another
     * @param values    the BOM's default values
     */
    public record Entry(String name, String chart, String version, String namespace, Map<String, Object> values,
            List<ClusterValue> clusterValues) {
        public Entry {
            values = values == null ? Map.of() : values;
            clusterValues = clusterValues == null ? List.of() : List.copyOf(clusterValues);
        }

        /** The entry as the BOM declares it. */
        public static Entry of(BomCatalogEntry entry) {
            List<ClusterValue> values = new ArrayList<>();
            for (BomClusterValue value : entry.perClusterValues()) {
                values.add(new ClusterValue(value.path().orElseThrow(), value.from() == io.seedbootstrap.bundle.bom.ClusterValueSource.LABEL
                        ? Source.LABEL : Source.ANNOTATION, value.key(), value.required(), value.description()));
            }
            return new Entry(entry.name(), entry.chart().name(), entry.chart().version(), entry.namespace(), entry.defaultValues(), values);
        }
    }

    /** The catalog of a bundle, by entry name. */
    @FunctionalInterface
    public interface Entries {
        Entries NONE = name -> Optional.empty();

        Optional<Entry> find(String name);
    }

    /** The entries the inventory enables, or none. */
    public static List<Apps.CatalogEntry> enabled(Inventory inventory) {
        return inventory.apps().catalog().install();
    }

    /**
     * Bad inputs found with the bundle in hand, before any host is touched: an enabled entry the bundle lacks, and
     * an entry the seed opts into (seedLabels app/&lt;name&gt;: install) without a per-cluster value its BOM marks
     * required: the seed's cluster Secret would render it empty, as no downstream cluster may.
     */
    static List<String> problems(Inventory inventory, Entries entries) {
        List<String> problems = new ArrayList<>();
        List<Apps.CatalogEntry> install = enabled(inventory);
        for (int i = 0; i < install.size(); i++) {
            String name = install.get(i).name();
            Optional<Entry> entry = entries.find(name);
            if (entry.isEmpty()) {
                problems.add("apps.catalog.install[" + i + "]: the bundle's catalog has no entry \"" + name + "\"; add it to the BOM's "
                        + "catalog section and rebuild the bundle (then bundle push), or remove it from apps.catalog.install");
            } else if (seedInstalls(inventory, name)) {
                problems.addAll(seedMissingValues(inventory, entry.get()));
            }
        }
        return problems;
    }

    /** The required per-cluster values of an entry the seed's own cluster Secret lacks, once per key. */
    private static List<String> seedMissingValues(Inventory inventory, Entry entry) {
        Map<String, ClusterValue> missing = new LinkedHashMap<>();
        for (ClusterValue value : entry.clusterValues()) {
            Map<String, String> present = value.source() == Source.LABEL ? inventory.apps().seedLabels() : inventory.apps().seedAnnotations();
            if (value.required() && !present.containsKey(value.key())) {
                missing.putIfAbsent(value.source() + " " + value.key(), value);
            }
        }
        List<String> problems = new ArrayList<>();
        for (ClusterValue value : missing.values()) {
            String field = value.source() == Source.LABEL ? "apps.seedLabels" : "apps.seedAnnotations";
            String what = value.description() == null ? "" : " (" + value.description().strip().replaceFirst("\\.$", "") + ")";
            problems.add(field + ": the seed installs catalog entry \"" + entry.name() + "\" (apps.seedLabels " + installLabel(entry.name())
                    + ": install) but has no " + (value.source() == Source.LABEL ? "label" : "annotation") + " \"" + value.key()
                    + "\", which the entry requires of every cluster" + what + "; add it to " + field + ", or remove the install label");
        }
        return problems;
    }

    /**
     * F.5: the OCI chart repository as ArgoCD's Helm source takes it: host[:port]/path, no {@code oci://}
     * (the repository Secret says OCI with {@code enableOCI}).
     */
    public static String chartRepository(Inventory inventory) {
        String repository = inventory.apps().catalog().chartRepository();
        if (repository == null) {
            repository = inventory.registries().systemDefaultRegistry() + "/" + DEFAULT_CHART_PATH;
        }
        return repository.replaceFirst("^oci://", "").replaceAll("/+$", "");
    }

    /** The registry (host[:port]) of the chart repository, where the catalog's images are too. */
    public static String registry(Inventory inventory) {
        String repository = chartRepository(inventory);
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }

    /** The label a cluster's ArgoCD Secret carries to get an entry. */
    public static String installLabel(String name) {
        return "app/" + name;
    }

    /** The file of ApplicationSets for the enabled entries (after ArgoCD's chart: it needs the ApplicationSet CRD). */
    static AppStep.AddOnFile applicationSetsFile(Inventory inventory, Entries entries, SiteMaterial site) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Apps.CatalogEntry wanted : enabled(inventory)) {
            Entry entry = entries.find(wanted.name()).orElseThrow(() -> new IllegalStateException(
                    "catalog entry " + wanted.name() + " missing: problems() must run first"));
            documents.add(applicationSet(inventory, wanted, entry, site));
        }
        return new AppStep.AddOnFile("seed-argocd-catalog.yaml", HelmCharts.documents(
                "issue 18, contract F.3/F.5: one ApplicationSet per catalog entry, for clusters labelled app/<name>: install", documents));
    }

    /**
     * One entry's ApplicationSet (F.3, F.5): a cluster generator selecting {@code app/<name>: install}
     * (the seed too, through its own cluster Secret, F.2), Go templates with missingkey=error, the
     * chart from the site registry (repoURL without scheme, chart, version), and the values as one
     * templated YAML string ({@code helm.values}, a string field the controller templates as any other).
     */
    static Map<String, Object> applicationSet(Inventory inventory, Apps.CatalogEntry wanted, Entry entry, SiteMaterial site) {
        String name = wanted.name();
        String namespace = namespace(wanted, entry);
        Map<String, Object> document = HelmCharts.object("argoproj.io/v1alpha1", "ApplicationSet", APPLICATION_SET_PREFIX + name,
                ArgoCdApp.NAMESPACE);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("goTemplate", true);
        spec.put("goTemplateOptions", List.of("missingkey=error"));
        spec.put("generators", List.of(Map.of("clusters", Map.of("selector", Map.of("matchLabels", Map.of(installLabel(name), "install"))))));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "{{.nameNormalized}}-" + name);
        metadata.put("labels", Map.of(CATALOG_LABEL, name));
        Map<String, Object> helm = new LinkedHashMap<>();
        helm.put("releaseName", name);
        helm.put("values", valuesTemplate(inventory, wanted, entry, site));
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("repoURL", chartRepository(inventory));
        source.put("chart", entry.chart());
        source.put("targetRevision", entry.version());
        source.put("helm", helm);
        Map<String, Object> syncPolicy = new LinkedHashMap<>();
        syncPolicy.put("automated", Map.of("prune", true, "selfHeal", true));
        // the charts' extraObjects (ClusterSecretStore, BackupStorageLocation, Schedule) are of CRDs the same chart
        // installs: ArgoCD's dry run would fail on them before the CRDs exist (sync-options.md "Skip Dry Run for new
        // custom resources types")
        syncPolicy.put("syncOptions", List.of("CreateNamespace=true", "SkipDryRunOnMissingResource=true", "ServerSideApply=true"));
        spec.put("template", ArgoCdApp.applicationTemplate(metadata, source, namespace, syncPolicy));
        document.put("spec", spec);
        return document;
    }

    static String namespace(Apps.CatalogEntry wanted, Entry entry) {
        return wanted.namespace() != null ? wanted.namespace() : entry.namespace() != null ? entry.namespace() : wanted.name();
    }

    /**
     * The values, in the order they override each other: the BOM's defaults, the images in the
     * site registry, the inventory's site values, the objects seed-bootstrap adds (extraObjects),
     * and last the per-cluster values as Go template actions on the cluster generator's parameters
     * (Generators-Cluster.md: {@code index .metadata.annotations "key"}; backquoted Go raw strings,
     * so the YAML quoting around them needs no escapes). A cluster without the label or annotation
     * gets "" (text/template's index of a missing map key is the zero value).
     */
    static String valuesTemplate(Inventory inventory, Apps.CatalogEntry wanted, Entry entry, SiteMaterial site) {
        Map<String, Object> values = deepCopy(entry.values());
        if (wanted.values() != null) {
            merge(values, wanted.values());
        }
        String namespace = namespace(wanted, entry);
        List<Map<String, Object>> extraObjects = new ArrayList<>();
        if (wanted.name().equals(EXTERNAL_SECRETS)) {
            extraObjects.add(clusterSecretStore(inventory, namespace, site));
        } else if (wanted.name().equals(VELERO)) {
            Apps.Velero velero = inventory.apps().catalog().velero();
            // the chart's own location and snapshot location are off: ours are extraObjects, validated against Velero's CRDs
            HelmCharts.put(values, "backupsEnabled", false);
            HelmCharts.put(values, "snapshotsEnabled", false);
            HelmCharts.put(values, "credentials.useSecret", true);
            HelmCharts.put(values, "credentials.existingSecret", VELERO_CREDENTIALS_SECRET);
            extraObjects.add(backupStorageLocation(velero, namespace));
            extraObjects.add(schedule(velero, namespace));
        }
        if (!extraObjects.isEmpty()) {
            HelmCharts.put(values, "extraObjects", extraObjects);
        }
        for (ClusterValue value : entry.clusterValues()) {
            // a cluster without an optional key keeps the value it had here (the BOM's or the site's): Go's `or`
            // yields its first non-empty argument
            Object fallback = value.required() ? null : get(values, value.path());
            set(values, value.path(), clusterParameter(value.source(), value.key(),
                    fallback instanceof String || fallback instanceof Number || fallback instanceof Boolean ? fallback.toString() : null));
        }
        try {
            return VALUES_YAML.writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the values of " + wanted.name(), e);
        }
    }

    /**
     * The values text as ArgoCD templates it: never a long line split (Jackson folds long scalars by
     * default), since a line break inside a template action's backquoted key would become part of the key.
     * A {@code ${ENV}} value (a Secret) is never written: it renders as {} (no secret in a manifest).
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper VALUES_YAML = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                    .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /**
     * A Go template action reading one label or annotation of the cluster generator's parameters,
     * with a fallback when the cluster lacks it (null: none, the cluster gets ""). Strings are Go raw
     * strings (backquotes), so a fallback holding a backquote is left out.
     */
    public static String clusterParameter(Source source, String key, String fallback) {
        String read = "index .metadata." + source.parameter + " `" + key + "`";
        return fallback == null || fallback.contains("`") ? "{{" + read + "}}" : "{{or (" + read + ") `" + fallback + "`}}";
    }

    /** The value at a --set path, or null. */
    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> values, List<BomClusterValue.PathSegment> path) {
        Object current = values;
        for (BomClusterValue.PathSegment segment : path) {
            if (segment.index() == null && current instanceof Map<?, ?> map) {
                current = ((Map<String, Object>) map).get(segment.key());
            } else if (segment.index() != null && current instanceof List<?> list && segment.index() < list.size()) {
                current = list.get(segment.index());
            } else {
                return null;
            }
        }
        return current;
    }

    /**
     * external-secrets' ClusterSecretStore for the site's Vault (external-secrets.io/v1, provider
     * vault, AppRole auth; external-secrets config/crds external-secrets.io_clustersecretstores.yaml):
     * the AppRole secret id is a Secret in the chart's namespace, Vault's CA the inventory's file or
     * the site root.
     */
    static Map<String, Object> clusterSecretStore(Inventory inventory, String namespace, SiteMaterial site) {
        Apps.ExternalSecrets store = inventory.apps().catalog().externalSecrets();
        Apps.Vault issuer = inventory.apps().certManager().issuer().vault();
        Map<String, Object> appRole = new LinkedHashMap<>();
        appRole.put("path", store.appRolePath() != null ? store.appRolePath() : issuer != null ? issuer.appRolePath() : "approle");
        appRole.put("roleId", store.roleId() != null ? store.roleId() : issuer.roleId());
        Map<String, Object> secretRef = new LinkedHashMap<>();
        secretRef.put("name", APPROLE_SECRET);
        secretRef.put("namespace", namespace);
        secretRef.put("key", APPROLE_KEY);
        appRole.put("secretRef", secretRef);
        Map<String, Object> vault = new LinkedHashMap<>();
        vault.put("server", store.server() != null ? store.server() : issuer.server());
        vault.put("path", store.path());
        vault.put("version", store.version());
        byte[] ca = store.caFile() != null ? read(store.caFile()) : site.cacerts();
        vault.put("caBundle", Base64.getEncoder().encodeToString(ca));
        vault.put("auth", Map.of("appRole", appRole));
        Map<String, Object> document = HelmCharts.object("external-secrets.io/v1", "ClusterSecretStore", store.storeName(), null);
        document.put("spec", Map.of("provider", Map.of("vault", vault)));
        return document;
    }

    /**
     * Velero's BackupStorageLocation (velero.io/v1; velero config/crd/v1/bases): velero-plugin-for-aws
     * against the S3 endpoint (path-style, as MinIO needs), each cluster under its own prefix
     * (its ArgoCD name, a generator parameter), the credentials Secret's {@code cloud} key.
     */
    static Map<String, Object> backupStorageLocation(Apps.Velero velero, String namespace) {
        Map<String, Object> objectStorage = new LinkedHashMap<>();
        objectStorage.put("bucket", velero.bucket());
        objectStorage.put("prefix", "{{.nameNormalized}}");
        if (velero.caFile() != null) {
            objectStorage.put("caCert", Base64.getEncoder().encodeToString(read(velero.caFile())));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("region", velero.region());
        config.put("s3ForcePathStyle", "true");
        config.put("s3Url", velero.s3Url());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("provider", "aws");
        spec.put("default", true);
        spec.put("objectStorage", objectStorage);
        spec.put("config", config);
        spec.put("credential", Map.of("name", VELERO_CREDENTIALS_SECRET, "key", VELERO_CREDENTIALS_KEY));
        Map<String, Object> document = HelmCharts.object("velero.io/v1", "BackupStorageLocation", VELERO_LOCATION, namespace);
        document.put("spec", spec);
        return document;
    }

    /** Velero's Schedule (velero.io/v1): every namespace, to our location, kept for the inventory's ttl. */
    static Map<String, Object> schedule(Apps.Velero velero, String namespace) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("includedNamespaces", List.of("*"));
        template.put("storageLocation", VELERO_LOCATION);
        template.put("ttl", velero.ttl());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("schedule", velero.schedule());
        spec.put("template", template);
        Map<String, Object> document = HelmCharts.object("velero.io/v1", "Schedule", VELERO_SCHEDULE, namespace);
        document.put("spec", spec);
        return document;
    }

    /**
     * F.4/F.5: ArgoCD's repository Secret for the site registry's chart repository (type helm,
     * enableOCI), with the registry's credentials from {@code registries.configs} when it has any.
     */
    static KubeSecret repositorySecret(Inventory inventory) {
        Map<String, String> visible = new LinkedHashMap<>();
        visible.put("type", "helm");
        visible.put("name", "seed-catalog");
        visible.put("url", chartRepository(inventory));
        visible.put("enableOCI", "true");
        Registries.RegistryConfig config = inventory.registries().configs().get(registry(inventory));
        if (config != null && config.username() != null) {
            visible.put("username", config.username());
        }
        return new KubeSecret(ArgoCdApp.NAMESPACE, REPOSITORY_SECRET, KubeSecret.OPAQUE, Map.of("argocd.argoproj.io/secret-type", "repository"),
                KubeSecret.utf8(visible), () -> config != null && config.password() != null
                        ? KubeSecret.utf8(Map.of("password", config.password().reveal())) : Map.of(), false);
    }

    /** The registry's CA for argocd-tls-certs-cm (F.4, keyed by host without port), when the inventory has one. */
    static Optional<Map.Entry<String, String>> registryCa(Inventory inventory) {
        String registry = registry(inventory);
        Registries.RegistryConfig config = inventory.registries().configs().get(registry);
        if (config == null || config.caFile() == null) {
            return Optional.empty();
        }
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1) : registry.replaceFirst(":\\d+$", "");
        return Optional.of(Map.entry(host, new String(read(config.caFile()), StandardCharsets.UTF_8)));
    }

    /** Whether the seed's own cluster Secret asks for an entry (the seed opts in like any cluster). */
    static boolean seedInstalls(Inventory inventory, String name) {
        return enabled(inventory).stream().anyMatch(e -> e.name().equals(name))
                && "install".equals(inventory.apps().seedLabels().get(installLabel(name)));
    }

    /** Namespaces the seed needs before the entries' Secrets are created in them. */
    static List<AppStep.Namespace> seedNamespaces(Inventory inventory, Entries entries) {
        List<AppStep.Namespace> namespaces = new ArrayList<>();
        for (Apps.CatalogEntry wanted : enabled(inventory)) {
            if ((wanted.name().equals(EXTERNAL_SECRETS) || wanted.name().equals(VELERO)) && seedInstalls(inventory, wanted.name())) {
                entries.find(wanted.name()).ifPresent(entry -> namespaces.add(new AppStep.Namespace(namespace(wanted, entry), Map.of())));
            }
        }
        return namespaces;
    }

    /**
     * The credentials on the seed, when it opts in (kubectl on stdin, house rule 4): the AppRole
     * secret id for the ClusterSecretStore, the S3 credentials file for Velero
     * (velero-plugin-for-aws README: an AWS credentials file under the key {@code cloud}).
     */
    static List<KubeSecret> seedSecrets(Inventory inventory, Entries entries) {
        List<KubeSecret> secrets = new ArrayList<>();
        for (Apps.CatalogEntry wanted : enabled(inventory)) {
            Optional<Entry> entry = entries.find(wanted.name());
            if (entry.isEmpty() || !seedInstalls(inventory, wanted.name())) {
                continue;
            }
            String namespace = namespace(wanted, entry.get());
            if (wanted.name().equals(EXTERNAL_SECRETS)) {
                Apps.ExternalSecrets store = inventory.apps().catalog().externalSecrets();
                var secretId = store.secretId() != null ? store.secretId() : inventory.apps().certManager().issuer().vault().secretId();
                secrets.add(new KubeSecret(namespace, APPROLE_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of(),
                        () -> KubeSecret.utf8(Map.of(APPROLE_KEY, secretId.reveal())), true));
            } else if (wanted.name().equals(VELERO)) {
                Apps.Velero velero = inventory.apps().catalog().velero();
                secrets.add(new KubeSecret(namespace, VELERO_CREDENTIALS_SECRET, KubeSecret.OPAQUE, Map.of(), Map.of(),
                        () -> KubeSecret.utf8(Map.of(VELERO_CREDENTIALS_KEY, "[default]\naws_access_key_id=" + velero.accessKeyId().reveal()
                                + "\naws_secret_access_key=" + velero.secretAccessKey().reveal() + "\n")), true));
            }
        }
        return secrets;
    }

    /** Sets a value at a --set path as Helm's strvals does: maps made on the way, lists extended to the index. */
    @SuppressWarnings("unchecked")
    static void set(Map<String, Object> values, List<BomClusterValue.PathSegment> path, Object value) {
        Object container = values;
        for (int i = 0; i < path.size(); i++) {
            BomClusterValue.PathSegment segment = path.get(i);
            boolean last = i == path.size() - 1;
            Object next = last ? value : path.get(i + 1).index() != null ? new ArrayList<Object>() : new LinkedHashMap<String, Object>();
            if (segment.index() == null) {
                Map<String, Object> map = (Map<String, Object>) container;
                Object existing = map.get(segment.key());
                boolean keep = !last && (existing instanceof Map<?, ?> || existing instanceof List<?>);
                if (!keep) {
                    map.put(segment.key(), next);
                }
                container = map.get(segment.key());
            } else {
                List<Object> list = (List<Object>) container;
                while (list.size() <= segment.index()) {
                    list.add(null);
                }
                Object existing = list.get(segment.index());
                if (last || !(existing instanceof Map<?, ?> || existing instanceof List<?>)) {
                    list.set(segment.index(), next);
                }
                container = list.get(segment.index());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(key, copyValue(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return deepCopy((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copyValue(item)));
            return copy;
        }
        return value;
    }

    /** Helm's own rule for values files: maps merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> override) {
        override.forEach((key, value) -> {
            Object existing = target.get(key);
            if (existing instanceof Map<?, ?> map && value instanceof Map<?, ?> over) {
                Map<String, Object> merged = deepCopy((Map<String, Object>) map);
                merge(merged, (Map<String, Object>) over);
                target.put(key, merged);
            } else {
                target.put(key, value instanceof Map<?, ?> over ? deepCopy((Map<String, Object>) over) : value);
            }
        });
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
