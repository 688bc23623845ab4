package io.seedbootstrap.bundle.bom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.format.Arch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BomLoaderTest {
    static final Path REAL_BOM = Path.of("../bundles/rke2-v1.35.yaml");

    @TempDir
    Path dir;

    @Test
    void theShippedV135BomLoadsAndItsChartsAdmitKubernetes135() {
        BomLoader.LoadedBom loaded = new BomLoader().load(REAL_BOM);
        Bom bom = loaded.bom();
        assertEquals("rke2-v1.35", bom.name());
        assertEquals("v1.35.7+rke2r1", bom.rke2().version());
        assertEquals(Arch.AMD64, bom.rke2().arch());
        assertEquals("1.35.7", loaded.kubernetesVersion().toString());
        assertEquals(List.of("cert-manager", "rancher", "argo-cd", "metallb"), bom.charts().stream().map(BomChart::name).toList());
        assertEquals("< 1.36.0-0", bom.charts().get(1).kubeVersion());
        assertEquals(64, loaded.sha256().length());
        // no hash is invented: every value not known offline is an explicit null
        assertTrue(bom.rke2().artifacts().stream().allMatch(a -> a.sha256() == null));
        assertTrue(bom.charts().stream().flatMap(c -> c.images().stream()).allMatch(i -> i.digest() == null));
    }

    @Test
    void theShippedV135BomCarriesTheCatalogWithNothingInvented() {
        Bom bom = new BomLoader().load(REAL_BOM).bom();
        assertEquals(List.of("external-dns", "external-secrets", "velero", "longhorn", "traefik", "kube-prometheus-stack", "loki",
                "fluent-bit"), bom.catalogEntries().stream().map(BomCatalogEntry::name).toList());
        // the app versions of the CRDs in ../shared/upstream/crds (external-secrets v2.9.0, velero v1.18.1)
        assertEquals("v2.9.0", bom.catalogEntry("external-secrets").orElseThrow().chart().appVersion());
        assertEquals("1.18.1", bom.catalogEntry("velero").orElseThrow().chart().appVersion());
        assertTrue(bom.catalogEntries().stream().allMatch(e -> e.chart().sha256() == null));
        assertTrue(bom.catalogEntries().stream().flatMap(e -> e.images().stream()).allMatch(i -> i.digest() == null));
        BomCatalogEntry traefik = bom.catalogEntry("traefik").orElseThrow();
        BomClusterValue ip = traefik.perClusterValues().get(0);
        assertEquals(ClusterValueSource.ANNOTATION, ip.from());
        assertEquals("catalog.seed-bootstrap.io/traefik-load-balancer-ip", ip.key());
        assertEquals("[service, annotations, metallb.io/loadBalancerIPs]", ip.path().orElseThrow().toString());
        // Velero's location is install's (apps.catalog.velero): the BOM neither sets one nor asks clusters for a bucket
        // nothing would read (CatalogApps turns the chart's own location off)
        BomCatalogEntry velero = bom.catalogEntry("velero").orElseThrow();
        assertEquals(List.of(), velero.perClusterValues());
        assertFalse(velero.defaultValues().containsKey("configuration"), velero.defaultValues().toString());
        assertFalse(velero.defaultValues().containsKey("credentials"), velero.defaultValues().toString());
        assertEquals(Map.of("isDefaultClass", true, "enabled", true), traefik.defaultValues().get("ingressClass"));
    }

    @Test
    void refusesACatalogEntryWithoutAVersionOrWithAnImageByTagOnly() throws Exception {
        String text = minimal() + CATALOG.replace("      version: 41.3.0\n", "")
                .replace("          digest: null # traefik\n", "");
        assertEquals("""
                bom.yaml:34:7: error: catalog[0].chart.version: missing required key "version" (Chart version as in its Chart.yaml)
                bom.yaml:40:11: error: catalog[0].chart.images[0]: catalog[0] (traefik): image docker.io/traefik:v3.7.11 is given by \
                tag only; catalog images are pinned by digest: add digest: sha256:<manifest digest>, or digest: null for \
                scripts/refresh-bom.sh to fill in (bundle create refuses it while null)
                bom.yaml: 2 errors in the bill of materials; fix them and run again""", errors(text));
    }

    @Test
    void refusesCatalogDigestsInTheRefBadValuePathsAndNamesTakenBySeedCharts() throws Exception {
        String text = minimal() + CATALOG.replace("name: traefik\n", "name: rancher\n")
                .replace("ref: docker.io/traefik:v3.7.11", "ref: docker.io/traefik@sha256:" + "a".repeat(64))
                .replace("value: service.annotations.metallb\\.io/loadBalancerIPs", "value: service..annotations");
        assertEquals("""
                bom.yaml:31:11: error: catalog[0].name: "rancher" is a seed chart (charts:), which install deploys itself; give the \
                catalog entry another name
                bom.yaml:41:16: error: catalog[0].chart.images[0].ref: catalog[0] (rancher): write the image as ref: \
                REGISTRY/REPOSITORY:TAG and its digest apart, as digest: sha256:..., not "docker.io/traefik@sha256:%s"
                bom.yaml:46:16: error: catalog[0].clusterValues[0].value: catalog[0] (rancher): "service..annotations" is not a Helm \
                value path (keys separated by '.', a dot inside a key as '\\.', list items as [N]), e.g. \
                service.annotations.metallb\\.io/loadBalancerIPs
                bom.yaml: 3 errors in the bill of materials; fix them and run again""".formatted("a".repeat(64)), errors(text));
    }

    @Test
    void helmValuePathsParseAsHelmSetDoes() {
        assertEquals("[a, b.c/d, [2], e]", BomClusterValue.parsePath("a.b\\.c/d[2].e").orElseThrow().toString());
        assertEquals("[list, [0], [1]]", BomClusterValue.parsePath("list[0][1]").orElseThrow().toString());
        for (String bad : List.of("", ".a", "a.", "a..b", "[0]", "a[x]", "a[0]b", "a\\b", "a]")) {
            assertTrue(BomClusterValue.parsePath(bad).isEmpty(), bad);
        }
    }

    @Test
    void refusesARancherChartThatDoesNotAdmitTheRke2Version() throws Exception {
        String text = minimal().replace("kubeVersion: \"< 1.36.0-0\"", "kubeVersion: \"< 1.35.0-0\"");
        assertEquals("""
                bom.yaml:24:18: error: charts[0].kubeVersion: chart rancher 2.13.9 declares kubeVersion "< 1.35.0-0", which does not admit \
                Kubernetes 1.35.7 (RKE2 v1.35.7+rke2r1); pick a rancher release whose kubeVersion admits 1.35 (contract E.4) or a BOM \
                for an older RKE2 line
                bom.yaml: 1 error in the bill of materials; fix it and run again""", errors(text.replace("version: 2.14.3", "version: 2.13.9")));
    }

    @Test
    void requiresTheRancherChartsKubeVersion() throws Exception {
        String text = minimal().replace("    kubeVersion: \"< 1.36.0-0\"\n", "");
        assertTrue(errors(text).startsWith("bom.yaml:21:5: error: charts[0].kubeVersion: the rancher chart's kubeVersion is required"),
                errors(text));
    }

    @Test
    void reportsEveryProblemAtOnceWithPositions() throws Exception {
        String text = minimal()
                .replace("file: rke2.linux-amd64.tar.gz", "file: rke2-linux-amd64.tgz")
                .replace("url: https://example.test/rke2/rke2.linux-amd64.tar.gz", "url: https://example.test/rke2/rke2-linux-amd64.tgz")
                .replace("      cni: cilium\n", "      cni: canal\n")
                .replace("sha256: null # tarball", "sha256: ABC")
                .replace("ref: docker.io/rancher/rancher:v2.14.3", "ref: rancher/rancher")
                .replace("file: rancher-2.14.3.tgz", "file: \"rancher:2.14.3.tgz\"")
                .replace("apiVersion: seed-bootstrap/bom-v1", "apiVersion: seed-bootstrap/bom-v9");
        assertEquals("""
                bom.yaml:1:13: error: apiVersion: "seed-bootstrap/bom-v9" is not a BOM version this seed-bootstrap reads; use seed-bootstrap/bom-v1
                bom.yaml:7:13: error: rke2.artifacts[0].file: a tarball for amd64 is named "rke2.linux-amd64.tar.gz" (contract A.1; install.sh \
                looks for exactly that name), not "rke2-linux-amd64.tgz"
                bom.yaml:10:15: error: rke2.artifacts[0].sha256: "ABC" is not a SHA-256 in lower-case hex (64 characters, as sha256sum prints it)
                bom.yaml:18:12: error: rke2.artifacts[4].cni: rke2-images-cilium.linux-amd64.tar.zst holds the cilium images; write cni: cilium
                bom.yaml:25:11: error: charts[0].file: not a valid file name on FAT32/exFAT (":" is not allowed)
                bom.yaml:29:14: error: charts[0].images[0].ref: "rancher/rancher" is not a fully qualified image reference with a tag, \
                e.g. quay.io/jetstack/cert-manager-controller:v1.20.3 (registry host first; the digest goes in digest:)
                bom.yaml: 6 errors in the bill of materials; fix them and run again""", errors(text));
    }

    @Test
    void refusesMissingCoreImagesAndDuplicateNames() throws Exception {
        String text = minimal()
                .replace("file: rke2-images-core.linux-amd64.tar.zst", "file: rke2-images-canal.linux-amd64.tar.zst\n      cni: canal")
                .replace("url: https://example.test/rke2/rke2-images-core.linux-amd64.tar.zst",
                        "url: https://example.test/rke2/rke2-images-canal.linux-amd64.tar.zst")
                .replace("file: rancher-2.14.3.tgz", "file: INSTALL.sh");
        assertEquals("""
                bom.yaml:7:5: error: rke2.artifacts: no rke2-images-core.linux-amd64.tar.zst (or the full rke2-images archive); \
                nodes cannot start without the core images (contract A.1)
                bom.yaml:26:11: error: charts[0].file: file name "INSTALL.sh" is already used by rke2.artifacts[2].file \
                (FAT32 does not tell letter case apart)
                bom.yaml: 2 errors in the bill of materials; fix them and run again""", errors(text));
    }

    @Test
    void unknownKeysAreSuggestedLikeInInventories() throws Exception {
        String text = minimal().replace("    sha256: null # chart", "    sha265: null # chart");
        assertTrue(errors(text).startsWith("bom.yaml:27:5: error: charts[0].sha265: unknown key \"sha265\"; did you mean \"sha256\"?"),
                errors(text));
    }

    private String errors(String text) throws Exception {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, text);
        BomLoader.InvalidBomException e = assertThrows(BomLoader.InvalidBomException.class, () -> new BomLoader().load(file));
        return e.getMessage().replace(dir + "/", "");
    }

    /** A catalog section to append to {@link #minimal()}: one entry (stand-in values, not a real traefik pin). */
    static final String CATALOG = """
            catalog:
              - name: traefik
                namespace: traefik
                chart:
                  name: traefik
                  version: 41.3.0
                  kubeVersion: ">=1.25.0-0"
                  file: traefik-41.3.0.tgz
                  url: https://example.test/charts/traefik-41.3.0.tgz
                  sha256: null
                  images:
                    - ref: docker.io/traefik:v3.7.11
                      digest: null # traefik
                values:
                  ingressClass: {isDefaultClass: true}
                clusterValues:
                  - value: service.annotations.metallb\\.io/loadBalancerIPs
                    from: annotation
                    key: catalog.seed-bootstrap.io/traefik-load-balancer-ip
                    required: true
            """;

    /** A small valid BOM; tests break one thing at a time. */
    static String minimal() {
        return """
                apiVersion: seed-bootstrap/bom-v1
                name: test-line
                rke2:
                  version: v1.35.7+rke2r1
                  arch: amd64
                  artifacts:
                    - file: rke2.linux-amd64.tar.gz
                      kind: tarball
                      url: https://example.test/rke2/rke2.linux-amd64.tar.gz
                      sha256: null # tarball
                    - {file: sha256sum-amd64.txt, kind: checksums, url: https://example.test/rke2/sha256sum-amd64.txt}
                    - {file: install.sh, kind: install-script, url: https://example.test/rke2/install.sh}
                    - file: rke2-images-core.linux-amd64.tar.zst
                      kind: images
                      url: https://example.test/rke2/rke2-images-core.linux-amd64.tar.zst
                    - file: rke2-images-cilium.linux-amd64.tar.zst
                      kind: images
                      cni: cilium
                      url: https://example.test/rke2/rke2-images-cilium.linux-amd64.tar.zst
                charts:
                  - name: rancher
                    version: 2.14.3
                    appVersion: v2.14.3
                    kubeVersion: "< 1.36.0-0"
                    file: rancher-2.14.3.tgz
                    url: https://example.test/charts/rancher-2.14.3.tgz
                    sha256: null # chart
                    images:
                      - ref: docker.io/rancher/rancher:v2.14.3
                """;
    }
}
