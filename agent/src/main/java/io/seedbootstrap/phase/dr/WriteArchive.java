package io.seedbootstrap.phase.dr;


import io.seedbootstrap.dr.DrArchive;
import io.seedbootstrap.dr.DrManifest;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.node.Node;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.rke2.NodeStatus;
import io.seedbootstrap.rke2.Rke2Paths;
import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Streams what a restore needs into one sealed archive (docs/formats.md "DR archive"): the
 * snapshot straight from the host into the cipher (never whole in memory, never in plain text on
 * the operator's disk), the server token it decrypts with (contract C: "must be backed up
 * alongside the cluster datastore"), the bootstrap server's configuration and manifests, the
 * inventory, and the PKI directory (offline root keys only when asked).
 */
public final class WriteArchive implements Phase {
    /**
     * What the archive is made of, besides what the host gives.
     *
     * @param passphrase read only when the archive is written (upgrade asks for it only when some node needs the upgrade)
     */
    public record Target(Path file, Supplier<Secret> passphrase, ArchiveCipher.Params params, Path inventoryFile, Path pkiDir,
            boolean rootKeys, String createdBy) {}

    /** Configuration files copied when present (A.4, A.6, A.9). */
    private static final List<String> CONFIG_FILES = List.of(Rke2Paths.CONFIG, Rke2Paths.REGISTRIES, Rke2Paths.POD_SECURITY_CONFIG);
    private static final List<String> CONFIG_DIRS = List.of(Rke2Paths.CONFIG + ".d", Rke2Paths.MANIFESTS);

    private final Host bootstrap;
    private final Target target;

    public WriteArchive(Host bootstrap, Target target) {
        this.bootstrap = bootstrap;
        this.target = target;
    }

    @Override
    public String title() {
        return "Write the DR archive " + target.file();
    }

    @Override
    public void run(RunContext context) {
        String description = "write " + target.file() + " (0600, sealed; snapshot, server token, configuration, inventory, PKI"
                + (target.rootKeys() ? " with the offline root keys" : "") + ")";
        if (context.dryRun()) {
            context.change(RunContext.OPERATOR, description, () -> { });
            return;
        }
        SaveSnapshot.Snapshot snapshot = context.state().get(null, SaveSnapshot.SNAPSHOT);
        Node node = context.node(bootstrap);
        context.change(RunContext.OPERATOR, description, () -> {
            try (DrArchive.Writer writer = new DrArchive.Writer(target.file(), target.passphrase().get(), target.params())) {
                String entry = DrManifest.SNAPSHOTS + snapshot.name();
                // the transfer may take long for a big datastore: bounded by the run's wait timeout, at least an hour
                Duration limit = context.options().waitTimeout().compareTo(Duration.ofHours(1)) > 0 ? context.options().waitTimeout()
                        : Duration.ofHours(1);
                writer.add(entry, DrManifest.Kind.ETCD_SNAPSHOT, "0600", snapshot.size(),
                        out -> node.files().download(snapshot.path(), out, limit));
                byte[] token = node.files().fetch(Rke2Paths.SERVER_TOKEN).orElse(null);
                if (token == null || token.length == 0) {
                    throw new SeedException(ExitCode.UNEXPECTED_STATE, bootstrap.name() + ": " + Rke2Paths.SERVER_TOKEN
                            + " is missing; without the server token the snapshot cannot be restored (contract C)");
                }
                writer.add(DrManifest.SERVER_TOKEN, DrManifest.Kind.SERVER_TOKEN, "0600", token);
                for (String path : hostFiles(node)) {
                    byte[] content = node.files().fetch(path).orElse(null);
                    if (content != null) {
                        boolean manifest = path.startsWith(Rke2Paths.MANIFESTS + "/");
                        String name = manifest ? "rke2/manifests/" + path.substring(Rke2Paths.MANIFESTS.length() + 1)
                                : "rke2/" + path.substring(Rke2Paths.ETC.length() + 1);
                        writer.add(name, manifest ? DrManifest.Kind.MANIFEST : DrManifest.Kind.RKE2_CONFIG, "0600", content);
                    }
                }
                writer.add(DrManifest.INVENTORY + target.inventoryFile().getFileName(), DrManifest.Kind.INVENTORY, "0600",
                        Files.readAllBytes(target.inventoryFile()));
                addPki(writer);
                DrManifest manifest = writer.finish(new DrManifest(null, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString(), target.createdBy(), context.inventory().cluster().name(), snapshot.rke2Version(), bootstrap.name(), entry,
                        target.rootKeys(), nodeNames(node), List.of()));
                context.reporter().info(null, "archive " + target.file() + ": " + manifest.files().size() + " files, snapshot "
                        + snapshot.name() + " (" + snapshot.size() + " bytes), RKE2 " + snapshot.rke2Version());
            }
        });
    }

    /** The Node names restore must clean up after (contract C: stale Node objects); null when the API does not answer. */
    private static List<String> nodeNames(Node node) {
        return node.kubectl().nodes().map(nodes -> nodes.stream().map(NodeStatus::name).sorted().toList()).orElse(null);
    }

    /** Files in the config.yaml.d and manifests folders, and the config files; names only (no secret in them). */
    private static List<String> hostFiles(Node node) {
        List<String> files = new ArrayList<>(CONFIG_FILES);
        files.addAll(node.files().list(CONFIG_DIRS));
        return files;
    }

    private void addPki(DrArchive.Writer writer) throws IOException {
        Path dir = target.pkiDir();
        if (!Files.isDirectory(dir)) {
            throw SeedException.badInput("the PKI directory " + dir + " does not exist; the archive must hold it (agent token, CAs)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            boolean offline = relative.startsWith("cluster/offline/") || relative.startsWith("site/offline/");
            if (offline && !target.rootKeys()) {
                continue;
            }
            writer.add(DrManifest.PKI + relative, DrManifest.Kind.PKI, mode(file), Files.readAllBytes(file));
        }
    }

    private static String mode(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            int mode = 0;
            for (PosixFilePermission p : perms) {
                mode |= 1 << (8 - p.ordinal());
            }
            return String.format("0%o", mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
