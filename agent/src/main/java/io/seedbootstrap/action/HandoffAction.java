package io.seedbootstrap.action;

import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.VerifyBundle;
import io.seedbootstrap.phase.install.WriteHandoff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code handoff}: writes the hand-off to Terraform again (install writes it after the seed apps),
 * on this machine only: no host is contacted. The bundle is verified, as install does, only when
 * the inventory enables catalog entries (their label and annotation names are in its BOM).
 */
public final class HandoffAction {
    /**
     * @param bundleDirectory the offline bundle; read only with catalog entries (null: none given)
     * @param kubeconfig      the seed's kubeconfig: the hand-off goes beside it
     * @param withSecrets     also write the Rancher bootstrap password (0600) for the module
     */
    public record Request(Inventory inventory, Path bundleDirectory, BundleVerifier.Trust trust, Path kubeconfig, boolean withSecrets,
            int verifyThreads) {}

    /** @param files the hand-off's files, written or already up to date */
    public record Result(ActionRunner.Finished run, List<Path> files) {}

    private HandoffAction() {}

    public static Result run(Request request, ActionRunner runner) {
        WriteHandoff write = new WriteHandoff(request.kubeconfig(), request.inventory().pki().dir(), request.withSecrets());
        ActionRunner.Ran ran = runner.run(request.inventory(), List.of(), lock -> phases(request, write),
                "hand-off of cluster " + request.inventory().cluster().name());
        return new Result(ran.finished(), write.files());
    }

    static List<Phase> phases(Request request, WriteHandoff write) {
        List<Phase> phases = new ArrayList<>();
        if (needsBundle(request.inventory())) {
            phases.add(new VerifyBundle(request.bundleDirectory(), request.trust(), new BundleVerifier(request.verifyThreads(),
                    io.seedbootstrap.bundle.Progress.none())));
        }
        phases.add(write);
        return phases;
    }

    public static boolean needsBundle(Inventory inventory) {
        return !inventory.apps().catalog().install().isEmpty();
    }
}
