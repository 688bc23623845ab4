package io.seedbootstrap.phase.install;

import io.seedbootstrap.apps.CatalogApps;
import io.seedbootstrap.apps.Handoff;
import io.seedbootstrap.bundle.VerifiedBundle;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.RunContext;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.pki.ca.SiteMaterial;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hand-off to the site's Terraform (issue 18, {@link Handoff}): {@code CLUSTER-handoff.json}
 * (0600) and the Terraform module beside the kubeconfig, on the operator's machine. Files already
 * as they should be are left alone (their mtimes too). The catalog's label and annotation names
 * come from the verified bundle when this run verified one.
 */
public final class WriteHandoff implements Phase {
    private final Path kubeconfig;
    private final Path pkiDir;
    private final boolean withSecrets;
    private final List<Path> written = new ArrayList<>();

    /**
     * @param withSecrets also write the Rancher bootstrap password into the module's secrets file (0600)
     */
    public WriteHandoff(Path kubeconfig, Path pkiDir, boolean withSecrets) {
        this.kubeconfig = kubeconfig.toAbsolutePath();
        this.pkiDir = pkiDir;
        this.withSecrets = withSecrets;
    }

    @Override
    public String title() {
        return "Write the hand-off to Terraform";
    }

    /** The files this run wrote or found up to date, in order. */
    public List<Path> files() {
        return List.copyOf(written);
    }

    @Override
    public void run(RunContext context) {
        Inventory inventory = context.inventory();
        Path dir = kubeconfig.getParent();
        Optional<VerifiedBundle> bundle = context.state().find(null, VerifyBundle.BUNDLE);
        CatalogApps.Entries catalog = bundle.map(BundleCharts::catalogOf).orElse(CatalogApps.Entries.NONE);
        List<Handoff.File> files = Handoff.files(new Handoff.Input(inventory, new SiteMaterial(pkiDir), kubeconfig, catalog,
                rancherBootstrap(inventory, dir), withSecrets));
        for (Handoff.File file : files) {
            Path target = dir.resolve(file.path());
            written.add(target);
            if (Files.isRegularFile(target) && read(target).equals(file.content())) {
                continue;
            }
            context.change(RunContext.OPERATOR, "write " + target + (file.secret() ? " (0600)" : ""), () -> write(target, file));
        }
        if (withSecrets && files.stream().anyMatch(f -> f.path().endsWith(Handoff.SECRETS_FILE))) {
            context.reporter().info(null, "the Rancher bootstrap password is in " + dir.resolve(Handoff.moduleDirectory(inventory))
                    .resolve(Handoff.SECRETS_FILE) + " (0600), as --with-secrets asked; delete it after terraform apply");
        }
    }

    /** The inventory's, else the one install generated and saved beside the kubeconfig, else none. */
    private static Secret rancherBootstrap(Inventory inventory, Path dir) {
        if (inventory.apps().rancher().bootstrapPassword() != null) {
            return inventory.apps().rancher().bootstrapPassword();
        }
        Path saved = dir.resolve(inventory.cluster().name() + "-rancher-bootstrap-password");
        return Files.isRegularFile(saved) ? Secret.literal(read(saved).strip()) : null;
    }

    private static void write(Path target, Handoff.File file) {
        if (file.secret()) {
            FetchKubeconfig.writePrivate(target, file.content());
            return;
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + ".new");
            Files.writeString(temp, file.content(), StandardCharsets.UTF_8);
            Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
