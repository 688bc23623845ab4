package io.seedbootstrap.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.apps.AppStep;
import io.seedbootstrap.apps.KubeSecret;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.pki.ca.SiteMaterial;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16 item 1: real Helm (helm-java, Helm's Go library) renders the real charts of
 * ../shared/upstream/charts with exactly the valuesContent and valuesSecrets that install writes
 * for the example inventories, the way the helm-controller's job passes them
 * ({@link HelmControllerRender}); the assertions are on the rendered objects.
 */
class UpstreamChartsRenderTest {
    static final String HA = "ha-3-servers.yaml";
    static final String AIRGAP = "airgap-registry.yaml";

    @TempDir
    static Path work;
    static StubApiServer api;
    static final Map<String, byte[]> CHARTS = new HashMap<>();
    static final Map<String, HelmControllerRender.Rendered> RENDERED = new HashMap<>();
    static final Map<String, Plan> PLANS = new HashMap<>();

    record Plan(Inventory inventory, SiteMaterial site, List<AppStep> steps) {}

    @BeforeAll
    static void charts() throws Exception {
        Path kubeconfig = Path.of(System.getenv().getOrDefault("KUBECONFIG", ""));
        assertTrue(kubeconfig.toString().endsWith("helm-render/kubeconfig"), "KUBECONFIG must be the test's own file (the surefire "
                + "configuration sets it), so Helm's lookup never reaches a real cluster; it is: " + kubeconfig);
        api = new StubApiServer();
        api.writeKubeconfig(kubeconfig);
        for (String chart : List.of("cert-manager", "metallb", "rancher", "argo-cd")) {
            CHARTS.put(chart, UpstreamCharts.packaged(chart, work.resolve("charts")).bytes());
        }
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    /** An example inventory, optionally edited (a variant the inventory allows), planned as install plans it. */
    static Plan plan(String example, String variant, UnaryOperator<String> edit) throws Exception {
        String key = example + "/" + variant;
        Plan cached = PLANS.get(key);
        if (cached != null) {
            return cached;
        }
        Path dir = Files.createDirectories(work.resolve("inventory-" + key.replace('/', '-')));
        Path file = dir.resolve(example);
        Files.writeString(file, edit.apply(Files.readString(SeedAppsFixture.EXAMPLES.resolve(example))));
        Inventory inventory = SeedAppsFixture.load(file, dir);
        SiteMaterial site = SeedAppsFixture.pki(inventory, dir.resolve("pki-work"));
        Plan plan = new Plan(inventory, site, SeedAppsFixture.plan(inventory, site, CHARTS));
        PLANS.put(key, plan);
        return plan;
    }

    static Plan plan(String example) throws Exception {
        return plan(example, "as-is", UnaryOperator.identity());
    }

    static HelmControllerRender.Rendered render(Plan plan, String key, String app) throws Exception {
        String cacheKey = key + "/" + app;
        HelmControllerRender.Rendered rendered = RENDERED.get(cacheKey);
        if (rendered == null) {
            rendered = HelmControllerRender.render(SeedAppsFixture.step(plan.steps(), app), work.resolve("render-" + cacheKey.replace('/', '-')));
            RENDERED.put(cacheKey, rendered);
        }
        return rendered;
    }

    static HelmControllerRender.Rendered render(String example, String app) throws Exception {
        return render(plan(example), example, app);
    }

    @ParameterizedTest
    @ValueSource(strings = {HA, AIRGAP})
    void certManagerRendersTheCrdsThatSharedHoldsAndItsController(String example) throws Exception {
        HelmControllerRender.Rendered rendered = render(example, "cert-manager");
        Map<String, JsonNode> crds = byName(rendered.kind("CustomResourceDefinition"));
        assertEquals(Set.of("certificaterequests.cert-manager.io", "certificates.cert-manager.io", "challenges.acme.cert-manager.io",
                "clusterissuers.cert-manager.io", "issuers.cert-manager.io", "orders.acme.cert-manager.io"), crds.keySet(),
                "G: crds.enabled installs the CRDs with the chart");
        // the CRDs the ClusterIssuer is validated against (CrdConformanceTest) are the ones this chart installs
        JsonNode shared = UpstreamCharts.YAML.readTree(Upstream.path("crds/cert-manager/cert-manager.io_clusterissuers.yaml").toFile());
        assertEquals(shared.path("spec").path("versions"), crds.get("clusterissuers.cert-manager.io").path("spec").path("versions"));
        assertEquals("cert-manager", rendered.one("Deployment", "cert-manager").path("metadata").path("namespace").asText());
        assertTrue(rendered.names().contains("ClusterRole/cert-manager-controller-ingress-shim"),
                "E.3: the ingress-shim that renews tls-rancher-ingress runs");
    }

    @Test
    void metalLbInL2ModeRendersItsCrdsAndANativeSpeakerWithoutFrr() throws Exception {
        HelmControllerRender.Rendered rendered = render(HA, "MetalLB");
        assertTrue(byName(rendered.kind("CustomResourceDefinition")).keySet().containsAll(List.of("ipaddresspools.metallb.io",
                "l2advertisements.metallb.io", "bgppeers.metallb.io", "bgpadvertisements.metallb.io")), rendered.names().toString());
        // the CRDs the pools are validated against (CrdConformanceTest reads the subchart's file) are what the chart installs
        Map<String, JsonNode> fromFile = byName(UpstreamCharts.documents(Files.readString(Upstream.path(
                "charts/metallb/charts/crds/templates/crds.yaml")).replace("{{ .Release.Namespace }}", "metallb-system")));
        for (JsonNode crd : rendered.kind("CustomResourceDefinition")) {
            assertEquals(fromFile.get(crd.path("metadata").path("name").asText()).path("spec"), crd.path("spec"));
        }
        JsonNode speaker = rendered.one("DaemonSet", "metallb-speaker");
        assertEquals("metallb-system", speaker.path("metadata").path("namespace").asText());
        JsonNode containers = speaker.path("spec").path("template").path("spec").path("containers");
        assertEquals(List.of("speaker"), names(containers), "H: L2 needs no FRR container");
        assertFalse(env(containers.get(0)).containsKey("METALLB_BGP_TYPE"), "frrk8s.enabled false: no frr-k8s backend");
        assertTrue(rendered.kind("DaemonSet").stream().noneMatch(d -> d.path("metadata").path("name").asText().contains("frr")),
                rendered.names().toString());
    }

    @Test
    void metalLbInBgpModeRendersTheFrrK8sBackendItNeeds() throws Exception {
        Plan plan = plan(HA, "bgp", text -> text.replace("metallb:\n  enabled: true\n",
                "metallb:\n  enabled: true\n  mode: bgp\n  bgpPeers: [{peerAddress: 10.20.0.1, peerAsn: 64500, myAsn: 64501}]\n"));
        HelmControllerRender.Rendered rendered = render(plan, "bgp", "MetalLB");
        JsonNode speaker = rendered.one("DaemonSet", "metallb-speaker");
        assertEquals("frr-k8s", env(speaker.path("spec").path("template").path("spec").path("containers").get(0)).get("METALLB_BGP_TYPE"));
        assertTrue(rendered.kind("DaemonSet").stream().anyMatch(d -> d.path("metadata").path("name").asText().contains("frr-k8s")),
                "H: the frr-k8s subchart is rendered: " + rendered.names());
    }

    @ParameterizedTest
    @ValueSource(strings = {HA, AIRGAP})
    void rancherMountsTlsCaAndItsIngressServesTheSiteCertificateForItsHostname(String example) throws Exception {
        Plan plan = plan(example);
        String hostname = plan.inventory().apps().rancher().hostname();
        HelmControllerRender.Rendered rendered = render(example, "Rancher");
        JsonNode deployment = rendered.one("Deployment", "rancher");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode volume = find(pod.path("volumes"), v -> v.path("secret").path("secretName").asText().equals("tls-ca"));
        JsonNode mount = find(pod.path("containers").get(0).path("volumeMounts"), m -> m.path("name").asText().equals(volume.path("name").asText()));
        assertEquals("/etc/rancher/ssl/cacerts.pem", mount.path("mountPath").asText(), "E.1 privateCA");
        assertEquals("cacerts.pem", mount.path("subPath").asText());
        // the Secret install creates under that name has exactly that key, with the CA that signed the ingress leaf
        AppStep step = SeedAppsFixture.step(plan.steps(), "Rancher");
        Map<String, String> tlsCa = data(secret(step, "tls-ca"));
        assertEquals(Set.of("cacerts.pem"), tlsCa.keySet());

        JsonNode ingress = rendered.one("Ingress", "rancher");
        assertEquals(hostname, ingress.path("spec").path("rules").get(0).path("host").asText());
        JsonNode tls = ingress.path("spec").path("tls").get(0);
        assertEquals("tls-rancher-ingress", tls.path("secretName").asText());
        assertEquals(List.of(hostname), texts(tls.path("hosts")));
        assertEquals("site-ca", ingress.path("metadata").path("annotations").path("cert-manager.io/cluster-issuer").asText(),
                "E.3: cert-manager renews tls-rancher-ingress from the site CA");
        X509Certificate leaf = certificates(data(secret(step, "tls-rancher-ingress")).get("tls.crt")).get(0);
        assertTrue(dnsNames(leaf).contains(hostname), dnsNames(leaf).toString());
        List<X509Certificate> roots = certificates(tlsCa.get("cacerts.pem"));
        assertTrue(chainsTo(leaf, certificates(data(secret(step, "tls-rancher-ingress")).get("tls.crt")), roots),
                "tls-ca holds the root the ingress certificate chains to");

        Map<String, String> env = env(pod.path("containers").get(0));
        assertEquals("bundled", env.get("CATTLE_SYSTEM_CATALOG"), "E.1 useBundledSystemChart");
        assertEquals(String.valueOf(Math.min(3, plan.inventory().servers().size())), deployment.path("spec").path("replicas").asText());
        String registry = plan.inventory().registries().systemDefaultRegistry();
        if (registry != null) {
            assertEquals(registry, env.get("CATTLE_SYSTEM_DEFAULT_REGISTRY"));
            assertTrue(pod.path("containers").get(0).path("image").asText().startsWith(registry + "/rancher/rancher:"),
                    pod.path("containers").get(0).path("image").asText());
        }
        // the bootstrap password reaches the chart through the valuesSecret (the chart's bootstrap-secret is a hook,
        // which helm-java's template output leaves out); Helm asked the stub API only for that Secret
        assertEquals(plan.inventory().apps().rancher().bootstrapPassword() == null ? "generated-rancher-pw" : "rancher-Bootstrap-123",
                rendered.effectiveValues().path("bootstrapPassword").asText());
        assertTrue(api.requests().contains("GET /api/v1/namespaces/cattle-system/secrets/bootstrap-secret"), api.requests().toString());
        assertTrue(api.requests().stream().allMatch(r -> r.startsWith("GET ")), api.requests().toString());
    }

    /**
     * ArgoCD behind the ingress: the protocol the ingress controller speaks to argocd-server must
     * be the one argocd-server serves. argocd-server serves TLS unless {@code server.insecure}
     * (argocd-cmd-params-cm, read by its Deployment as ARGOCD_SERVER_INSECURE), and then answers
     * plain HTTP with a redirect to https (argo-cd server/server.go): behind an ingress that speaks
     * HTTP that is a redirect loop. What the controller speaks: ingress-nginx plain HTTP unless
     * {@code nginx.ingress.kubernetes.io/backend-protocol} says HTTPS/GRPCS; Traefik HTTPS when the
     * Service port is 443 or named https* (Traefik's Kubernetes Ingress provider, "Communication
     * between Traefik and pods"), else HTTP. The site certificate stays what users see: the
     * Ingress terminates TLS for the host name with argocd-server-tls, the PKI's leaf for it.
     */
    @ParameterizedTest
    @ValueSource(strings = {HA, AIRGAP, HA + "/traefik"})
    void argoCdIngressSpeaksTheProtocolArgoCdServerServesAndTerminatesTlsWithTheSiteCertificate(String variant) throws Exception {
        boolean traefik = variant.endsWith("/traefik");
        String example = traefik ? HA : variant;
        Plan plan = traefik ? plan(HA, "traefik", text -> text.replace("ingressController: ingress-nginx", "ingressController: traefik"))
                : plan(example);
        HelmControllerRender.Rendered rendered = render(plan, traefik ? "traefik" : example, "ArgoCD");
        String hostname = plan.inventory().apps().argocd().hostname();

        String insecure = rendered.one("ConfigMap", "argocd-cmd-params-cm").path("data").path("server.insecure").asText("false");
        JsonNode server = rendered.one("Deployment", "argocd-server").path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode insecureEnv = find(server.path("env"), e -> e.path("name").asText().equals("ARGOCD_SERVER_INSECURE"));
        assertEquals("server.insecure", insecureEnv.path("valueFrom").path("configMapKeyRef").path("key").asText());
        boolean serverTls = !insecure.equals("true");

        JsonNode ingress = rendered.one("Ingress", "argocd-server");
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service");
        assertEquals("argocd-server", backend.path("name").asText());
        int port = backend.path("port").path("number").asInt();
        JsonNode servicePort = find(rendered.one("Service", "argocd-server").path("spec").path("ports"), p -> p.path("port").asInt() == port);
        JsonNode annotations = ingress.path("metadata").path("annotations");
        boolean backendTls = traefik
                ? port == 443 || servicePort.path("name").asText().startsWith("https")
                : List.of("HTTPS", "GRPCS").contains(annotations.path("nginx.ingress.kubernetes.io/backend-protocol").asText("HTTP"));
        assertEquals(serverTls, backendTls, "argocd-server " + (serverTls ? "serves TLS" : "serves plain HTTP") + " (server.insecure="
                + insecure + ") but the " + (traefik ? "Traefik" : "ingress-nginx") + " ingress speaks " + (backendTls ? "HTTPS" : "HTTP")
                + " to Service port " + servicePort + " with annotations " + annotations);

        assertEquals(hostname, ingress.path("spec").path("rules").get(0).path("host").asText());
        JsonNode tls = ingress.path("spec").path("tls").get(0);
        assertEquals(List.of(hostname), texts(tls.path("hosts")));
        assertEquals("argocd-server-tls", tls.path("secretName").asText());
        X509Certificate leaf = certificates(data(secret(SeedAppsFixture.step(plan.steps(), "ArgoCD"), "argocd-server-tls")).get("tls.crt")).get(0);
        assertTrue(dnsNames(leaf).contains(hostname), "F.1: argocd-server-tls is the site leaf for " + hostname + ": " + dnsNames(leaf));
        assertTrue(chainsTo(leaf, List.of(), certificates(new String(plan.site().issuingCa().certificate(), StandardCharsets.US_ASCII))),
                "signed by the site issuing CA");
        if (traefik) {
            // TLS ends at Traefik: the router must not also serve ArgoCD's login on the plain-HTTP entrypoint
            assertEquals("websecure", annotations.path("traefik.ingress.kubernetes.io/router.entrypoints").asText(), annotations.toString());
        }
    }

    /** The components' RollingSync works only with progressive syncs on (Progressive-Syncs.md): the chart turns it on. */
    @Test
    void argoCdApplicationSetControllerRunsWithProgressiveSyncs() throws Exception {
        assertFalse(plan(HA).inventory().apps().components().isEmpty());
        HelmControllerRender.Rendered rendered = render(HA, "ArgoCD");
        assertEquals("true", rendered.one("ConfigMap", "argocd-cmd-params-cm").path("data")
                .path("applicationsetcontroller.enable.progressive.syncs").asText());
        JsonNode controller = rendered.one("Deployment", "argocd-applicationset-controller").path("spec").path("template").path("spec")
                .path("containers").get(0);
        JsonNode env = find(controller.path("env"), e -> e.path("name").asText().equals("ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS"));
        assertEquals("applicationsetcontroller.enable.progressive.syncs", env.path("valueFrom").path("configMapKeyRef").path("key").asText());
        assertEquals("argocd-cmd-params-cm", env.path("valueFrom").path("configMapKeyRef").path("name").asText());
    }

    /** argo-cd's redis-ha subchart is not in shared and was removed from the scratch copy: allowed only because it stays off. */
    @ParameterizedTest
    @ValueSource(strings = {HA, AIRGAP})
    void argoCdRendersWithoutTheRedisHaSubchartBecauseOurValuesKeepItOff(String example) throws Exception {
        HelmControllerRender.Rendered rendered = render(example, "ArgoCD");
        JsonNode values = UpstreamCharts.defaults(work.resolve("charts"), "argo-cd").deepCopy();
        UpstreamCharts.YAML.readerForUpdating(values).readValue(rendered.effectiveValues());
        UpstreamCharts.assertDependencyDisabled(values, "redis-ha.enabled");
        assertEquals(1, rendered.kind("Deployment").stream().filter(d -> d.path("metadata").path("name").asText().equals("argocd-redis")).count(),
                "the single redis the chart runs without redis-ha");
    }

    static Map<String, JsonNode> byName(List<JsonNode> objects) {
        Map<String, JsonNode> byName = new HashMap<>();
        objects.forEach(o -> byName.put(o.path("metadata").path("name").asText(), o));
        return byName;
    }

    static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        list.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText()
                : e.path("valueFrom").toString()));
        return env;
    }

    static JsonNode find(JsonNode list, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode node : list) {
            if (test.test(node)) {
                return node;
            }
        }
        throw new AssertionError("none matches in " + list);
    }

    static KubeSecret secret(AppStep step, String name) {
        return step.secrets().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(step.app() + " creates no Secret " + name));
    }

    static Map<String, String> data(KubeSecret secret) throws Exception {
        Map<String, String> data = new HashMap<>();
        new ObjectMapper().readTree(secret.json()).path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
                new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        return data;
    }

    @SuppressWarnings("unchecked")
    static List<X509Certificate> certificates(String pem) throws Exception {
        return new ArrayList<>((java.util.Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }

    static Set<String> dnsNames(X509Certificate certificate) throws Exception {
        Set<String> names = new TreeSet<>();
        if (certificate.getSubjectAlternativeNames() != null) {
            certificate.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2).forEach(n -> names.add((String) n.get(1)));
        }
        return names;
    }

    /** The leaf verifies up the given chain to one of the roots. */
    static boolean chainsTo(X509Certificate leaf, List<X509Certificate> chain, List<X509Certificate> roots) {
        X509Certificate current = leaf;
        List<X509Certificate> candidates = new ArrayList<>(chain);
        candidates.addAll(roots);
        for (int depth = 0; depth < 10; depth++) {
            for (X509Certificate root : roots) {
                if (verifies(current, root)) {
                    return true;
                }
            }
            X509Certificate next = null;
            for (X509Certificate candidate : candidates) {
                if (candidate != current && verifies(current, candidate)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null) {
                return false;
            }
            current = next;
        }
        return false;
    }

    private static boolean verifies(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
