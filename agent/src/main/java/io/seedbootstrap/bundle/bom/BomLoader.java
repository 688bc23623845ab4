package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Binder;
import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.KubeVersionRange;
import io.seedbootstrap.bundle.format.SafeNames;
import io.seedbootstrap.bundle.format.SemVer;
import io.seedbootstrap.inventory.model.Cni;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and checks a BOM, reporting every problem at once with file:line:column. Refuses a BOM
 * whose charts' kubeVersion ranges do not admit the Kubernetes version of its RKE2 release
 * (contract E.4), and RKE2 artifact names that install.sh would not find (contract A.1).
 */
public final class BomLoader {
    public static final String API_VERSION = "seed-bootstrap/bom-v1";
    /** registry host (with a dot, a port or "localhost") / path : tag. */
    private static final Pattern IMAGE_REF = Pattern.compile(
            "^(?:[a-z0-9-]+(?:\\.[a-z0-9-]+)+|localhost|[a-z0-9-]+:[0-9]+)(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$");
    private static final Pattern IMAGES_ARCHIVE = Pattern.compile("^rke2-images(-([a-z0-9-]+))?\\.(linux-[a-z0-9]+)\\.tar\\.(zst|gz)$");

    /** A loaded BOM with the SHA-256 of its file (recorded in bundle manifests). */
    public record LoadedBom(Path file, Bom bom, String sha256, List<Diagnostic> warnings) {
        public SemVer kubernetesVersion() {
            return SemVer.kubernetesOfRke2(bom.rke2().version());
        }
    }

    /** A BOM with errors; the message lists every one of them. */
    public static final class InvalidBomException extends SeedException {
        private final transient List<Diagnostic> diagnostics;

        InvalidBomException(Path file, List<Diagnostic> diagnostics) {
            super(ExitCode.BAD_INPUT, diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n"))
                    + "\n" + file + ": " + count(diagnostics) + " in the bill of materials; fix "
                    + (count(diagnostics).startsWith("1 ") ? "it" : "them") + " and run again");
            this.diagnostics = List.copyOf(diagnostics);
        }

        public List<Diagnostic> diagnostics() {
            return diagnostics;
        }

        private static String count(List<Diagnostic> diagnostics) {
            long errors = diagnostics.stream().filter(Diagnostic::isError).count();
            return errors + (errors == 1 ? " error" : " errors");
        }
    }

    public LoadedBom load(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw SeedException.badInput(file + ": no such BOM file; give a bundles/*.yaml file");
            }
            if (Files.size(file) > 4L << 20) {
                throw SeedException.badInput(file + ": larger than 4 MiB; a BOM is a small YAML file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw SeedException.badInput(file + ": cannot read (" + e.getMessage() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw SeedException.badInput(file + ": not UTF-8 text; a BOM is a YAML file");
        }
        Path display = file.normalize();
        Diagnostics diagnostics = new Diagnostics();
        YamlSource.Parsed parsed = YamlSource.parse(display, text);
        if (parsed.error() != null) {
            diagnostics.error(parsed.error().position(), "", parsed.error().message());
            throw new InvalidBomException(display, diagnostics.sorted());
        }
        Binder binder = new Binder(Environment.of(Map.of()), file.toAbsolutePath().getParent(), Path.of("/"), diagnostics);
        Bom bom = binder.bind(parsed.root(), Bom.class);
        new Checks(bom, binder.positions(), diagnostics, display, parsed.root()).run();
        if (diagnostics.hasErrors()) {
            throw new InvalidBomException(display, diagnostics.sorted());
        }
        return new LoadedBom(file, bom, sha256Hex(bytes), diagnostics.sorted());
    }

    /** The checks that need more than one field; run after binding. */
    private static final class Checks {
        private final Bom bom;
        private final Map<String, Position> positions;
        private final Diagnostics diagnostics;
        private final Path file;
        private final Map<String, String> seenFiles = new HashMap<>();
        private final Map<String, String> seenImages = new HashMap<>();
        private final RawNode root;

        Checks(Bom bom, Map<String, Position> positions, Diagnostics diagnostics, Path file, RawNode root) {
            this.bom = bom;
            this.positions = positions;
            this.diagnostics = diagnostics;
            this.file = file;
            this.root = root;
        }

        void run() {
            if (bom.apiVersion() != null && !API_VERSION.equals(bom.apiVersion())) {
                error("apiVersion", "\"" + bom.apiVersion() + "\" is not a BOM version this seed-bootstrap reads; use " + API_VERSION);
            }
            if (bom.name() != null) {
                SafeNames.segmentProblem(bom.name()).ifPresent(p -> error("name", p));
            }
            if (bom.rke2() != null && bom.rke2().artifacts() != null && bom.rke2().arch() != null) {
                checkArtifacts(bom.rke2().arch());
            }
            SemVer kubernetes = bom.rke2() == null || bom.rke2().version() == null || diagnostics.hasErrorAt("rke2.version")
                    ? null : SemVer.kubernetesOfRke2(bom.rke2().version());
            checkCharts(kubernetes);
            checkCatalog(kubernetes);
            List<BomList> lists = bom.lists() == null ? List.of() : bom.lists();
            for (int i = 0; i < lists.size(); i++) {
                fileName("lists[" + i + "].file", lists.get(i).file());
            }
        }

        private void checkArtifacts(Arch arch) {
            List<BomArtifact> artifacts = bom.rke2().artifacts();
            Map<Rke2ArtifactKind, Integer> counts = new java.util.EnumMap<>(Rke2ArtifactKind.class);
            boolean baseImages = false;
            for (int i = 0; i < artifacts.size(); i++) {
                BomArtifact artifact = artifacts.get(i);
                String at = "rke2.artifacts[" + i + "]";
                if (artifact.file() == null || artifact.kind() == null) {
                    continue;
                }
                counts.merge(artifact.kind(), 1, Integer::sum);
                if (!fileName(at + ".file", artifact.file())) {
                    continue;
                }
                String expected = switch (artifact.kind()) {
                    case TARBALL -> "rke2." + arch.platform() + ".tar.gz";
                    case CHECKSUMS -> "sha256sum-" + arch.key() + ".txt";
                    case INSTALL_SCRIPT -> "install.sh";
                    case IMAGES -> null;
                };
                if (expected != null && !expected.equals(artifact.file())) {
                    error(at + ".file", "a " + Binder.enumKey(artifact.kind()) + " for " + arch.key() + " is named \"" + expected
                            + "\" (contract A.1; install.sh looks for exactly that name), not \"" + artifact.file() + "\"");
                }
                if (artifact.kind() == Rke2ArtifactKind.IMAGES) {
                    baseImages |= checkImagesArchive(at, artifact, arch);
                } else if (artifact.cni() != null) {
                    error(at + ".cni", "only image archives (kind: images) carry a cni");
                }
                if (artifact.url() != null && !artifact.url().endsWith("/" + artifact.file())) {
                    error(at + ".url", "the URL does not end with /" + artifact.file() + "; check that it points at this artifact");
                }
            }
            for (Rke2ArtifactKind kind : List.of(Rke2ArtifactKind.TARBALL, Rke2ArtifactKind.CHECKSUMS, Rke2ArtifactKind.INSTALL_SCRIPT)) {
                int n = counts.getOrDefault(kind, 0);
                if (n != 1) {
                    error("rke2.artifacts", n == 0 ? "no " + Binder.enumKey(kind) + " artifact; an air-gapped install needs "
                            + describe(kind, arch) + " (contract A.2)" : n + " " + Binder.enumKey(kind) + " artifacts; keep one");
                }
            }
            if (!baseImages) {
                error("rke2.artifacts", "no rke2-images-core." + arch.platform() + ".tar.zst (or the full rke2-images archive); "
                        + "nodes cannot start without the core images (contract A.1)");
            }
        }

        /** @return whether this is a base image set (core or the legacy full set) */
        private boolean checkImagesArchive(String at, BomArtifact artifact, Arch arch) {
            java.util.regex.Matcher m = IMAGES_ARCHIVE.matcher(artifact.file());
            if (!m.matches() || !m.group(3).equals(arch.platform())) {
                error(at + ".file", "an RKE2 image archive for " + arch.key() + " is named rke2-images[-SET]." + arch.platform()
                        + ".tar.zst (contract A.1), not \"" + artifact.file() + "\"");
                return false;
            }
            String set = m.group(2);
            Cni named = "canal".equals(set) ? Cni.CANAL : "cilium".equals(set) ? Cni.CILIUM : null;
            if (named != null && artifact.cni() != named) {
                error(at + ".cni", artifact.file() + " holds the " + named.key() + " images; write cni: " + named.key());
            } else if (named == null && artifact.cni() != null) {
                error(at + ".cni", artifact.file() + " is not a CNI image archive; remove cni");
            }
            return set == null || set.equals("core");
        }

        private void checkCharts(SemVer kubernetes) {
            List<BomChart> charts = bom.charts() == null ? List.of() : bom.charts();
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < charts.size(); i++) {
                BomChart chart = charts.get(i);
                String at = "charts[" + i + "]";
                if (chart.name() != null && names.putIfAbsent(chart.name(), i) != null) {
                    error(at + ".name", "chart \"" + chart.name() + "\" is listed twice (also charts[" + names.get(chart.name()) + "]); keep one");
                }
                fileName(at + ".file", chart.file());
                checkKubeVersion(at, chart, kubernetes);
                List<BomImage> images = chart.images() == null ? List.of() : chart.images();
                for (int j = 0; j < images.size(); j++) {
                    checkImageRef(at + ".images[" + j + "].ref", images.get(j).ref());
                }
            }
        }

        /** @return whether the reference is well formed and listed once */
        private boolean checkImageRef(String imageAt, String ref) {
            if (ref == null) {
                return false;
            }
            if (!IMAGE_REF.matcher(ref).matches()) {
                error(imageAt, "\"" + ref + "\" is not a fully qualified image reference with a tag, e.g. "
                        + "quay.io/jetstack/cert-manager-controller:v1.20.3 (registry host first; the digest goes in digest:)");
                return false;
            }
            if (seenImages.putIfAbsent(ref, imageAt) != null) {
                error(imageAt, "image " + ref + " is already listed at " + seenImages.get(ref) + "; list it once");
                return false;
            }
            return fileName(imageAt, "images/" + SafeNames.imageArchiveName(ref));
        }

        /**
         * The platform catalog (docs/formats.md "The platform catalog"): names unique and not a seed
         * chart's, chart checks as for the seed charts, every image with a digest key (a tag alone
         * is refused: catalog images reach clusters by digest), per-cluster value paths valid.
         */
        private void checkCatalog(SemVer kubernetes) {
            List<BomCatalogEntry> catalog = bom.catalogEntries();
            Map<String, Integer> names = new HashMap<>();
            java.util.Set<String> seedCharts = new java.util.HashSet<>();
            (bom.charts() == null ? List.<BomChart>of() : bom.charts()).forEach(c -> seedCharts.add(c.name()));
            for (int i = 0; i < catalog.size(); i++) {
                BomCatalogEntry entry = catalog.get(i);
                String at = "catalog[" + i + "]";
                String named = entry.name() == null ? at : at + " (" + entry.name() + ")";
                if (entry.name() != null && names.putIfAbsent(entry.name(), i) != null) {
                    error(at + ".name", "catalog entry \"" + entry.name() + "\" is listed twice (also catalog[" + names.get(entry.name())
                            + "]); keep one");
                } else if (entry.name() != null && seedCharts.contains(entry.name())) {
                    error(at + ".name", "\"" + entry.name() + "\" is a seed chart (charts:), which install deploys itself; give the "
                            + "catalog entry another name");
                }
                BomChart chart = entry.chart();
                if (chart == null) {
                    continue;
                }
                fileName(at + ".chart.file", chart.file());
                checkKubeVersion(at + ".chart", chart, kubernetes);
                List<BomImage> images = entry.images();
                for (int j = 0; j < images.size(); j++) {
                    String imageAt = at + ".chart.images[" + j + "]";
                    String ref = images.get(j).ref();
                    if (ref != null && ref.contains("@")) {
                        error(imageAt + ".ref", named + ": write the image as ref: REGISTRY/REPOSITORY:TAG and its digest apart, as "
                                + "digest: sha256:..., not \"" + ref + "\"");
                        continue;
                    }
                    if (checkImageRef(imageAt + ".ref", ref) && !hasKey(imageAt, "digest")) {
                        error(imageAt, named + ": image " + ref + " is given by tag only; catalog images are pinned by digest: "
                                + "add digest: sha256:<manifest digest>, or digest: null for scripts/refresh-bom.sh to fill in "
                                + "(bundle create refuses it while null)");
                    }
                }
                List<BomClusterValue> values = entry.perClusterValues();
                Map<String, Integer> paths = new HashMap<>();
                for (int j = 0; j < values.size(); j++) {
                    BomClusterValue value = values.get(j);
                    String valueAt = at + ".clusterValues[" + j + "].value";
                    if (value.value() == null) {
                        continue;
                    }
                    if (value.path().isEmpty()) {
                        error(valueAt, named + ": \"" + value.value() + "\" is not a Helm value path (keys separated by '.', a dot "
                                + "inside a key as '\\.', list items as [N]), e.g. service.annotations.metallb\\.io/loadBalancerIPs");
                    } else if (paths.putIfAbsent(value.value(), j) != null) {
                        error(valueAt, named + ": " + value.value() + " is already set by clusterValues[" + paths.get(value.value())
                                + "]; keep one");
                    }
                }
            }
        }

        /** Whether the BOM text itself writes {@code key} in the mapping at {@code path} (a null value counts). */
        private boolean hasKey(String path, String key) {
            RawNode node = root;
            for (String step : path.split("\\.")) {
                int bracket = step.indexOf('[');
                String name = bracket < 0 ? step : step.substring(0, bracket);
                if (!(node instanceof RawNode.RawMap map) || !map.entries().containsKey(name)) {
                    return false;
                }
                node = map.entries().get(name).value();
                if (bracket >= 0) {
                    int index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
                    if (!(node instanceof RawNode.RawList list) || index >= list.items().size()) {
                        return false;
                    }
                    node = list.items().get(index);
                }
            }
            return node instanceof RawNode.RawMap map && map.entries().containsKey(key);
        }

        private void checkKubeVersion(String at, BomChart chart, SemVer kubernetes) {
            if (chart.kubeVersion() == null) {
                if ("rancher".equals(chart.name())) {
                    error(at + ".kubeVersion", "the rancher chart's kubeVersion is required: Helm refuses to install Rancher outside it "
                            + "(contract E.4); copy it from the chart's Chart.yaml, e.g. \"< 1.36.0-0\" for Rancher 2.14");
                }
                return;
            }
            Optional<KubeVersionRange> range = KubeVersionRange.tryParse(chart.kubeVersion());
            if (range.isEmpty()) {
                error(at + ".kubeVersion", "\"" + chart.kubeVersion() + "\" is not a Helm version range such as \">= 1.25.0-0\" or \"< 1.36.0-0\"");
                return;
            }
            if (kubernetes != null && !range.get().admits(kubernetes)) {
                error(at + ".kubeVersion", notAdmitted(chart.name(), chart.version(), chart.kubeVersion(), kubernetes, bom.rke2().version()));
            }
        }

        /** Records a bundle file name; false (with an error) when unsafe or already used. */
        private boolean fileName(String at, String name) {
            if (name == null) {
                return false;
            }
            Optional<String> problem = name.startsWith("images/") ? SafeNames.problem(name) : SafeNames.segmentProblem(name);
            if (problem.isPresent()) {
                error(at, problem.get());
                return false;
            }
            String previous = seenFiles.putIfAbsent(SafeNames.caseFolded(name), at);
            if (previous != null) {
                error(at, "file name \"" + name + "\" is already used by " + previous + " (FAT32 does not tell letter case apart)");
                return false;
            }
            return true;
        }

        private void error(String path, String message) {
            Position at = positions.getOrDefault(path, positions.getOrDefault(parentOf(path), Position.unknown(file)));
            diagnostics.error(at, path, message);
        }

        private static String parentOf(String path) {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }

        private static String describe(Rke2ArtifactKind kind, Arch arch) {
            return switch (kind) {
                case TARBALL -> "rke2." + arch.platform() + ".tar.gz";
                case CHECKSUMS -> "sha256sum-" + arch.key() + ".txt";
                case INSTALL_SCRIPT -> "install.sh";
                case IMAGES -> "rke2-images-core." + arch.platform() + ".tar.zst";
            };
        }
    }

    /** The message for a chart whose kubeVersion excludes the bundle's Kubernetes version (shared with create and verify). */
    public static String notAdmitted(String chart, String chartVersion, String kubeVersion, SemVer kubernetes, String rke2Version) {
        return "chart " + chart + " " + chartVersion + " declares kubeVersion \"" + kubeVersion + "\", which does not admit Kubernetes "
                + kubernetes + " (RKE2 " + rke2Version + "); pick a " + chart + " release whose kubeVersion admits "
                + kubernetes.major() + "." + kubernetes.minor() + " (contract E.4) or a BOM for an older RKE2 line";
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
