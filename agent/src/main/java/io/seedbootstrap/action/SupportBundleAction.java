package io.seedbootstrap.action;

import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.phase.Phase;
import io.seedbootstrap.phase.common.Connect;
import io.seedbootstrap.phase.common.RunPreflight;
import io.seedbootstrap.phase.day2.CollectSupportBundle;
import io.seedbootstrap.pki.ca.ClusterMaterial;
import io.seedbootstrap.preflight.Preflight;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code support-bundle}: preflight's read-only checks and everything else a remote helper needs,
 * into one redacted archive on the operator's side ({@link CollectSupportBundle}). Like preflight
 * it goes on past hosts it cannot reach (rows of the manifest) and takes no lock.
 */
public final class SupportBundleAction {
    /**
     * @param target       the archive to write (0600)
     * @param journalLines lines of each unit's journal and job log
     * @param runLogs      the operator's run logs folder ({@link ActionRunner#logDirectory})
     * @param localDir     where install saved the passwords it generated (beside the kubeconfig): known secrets too
     * @param createdBy    seed-bootstrap's version, for the manifest
     */
    public record Request(Inventory inventory, Path target, SshOptions ssh, int journalLines, Path runLogs, Path localDir,
            String createdBy, Clock clock) {}

    public record Result(CollectSupportBundle.Written written, ActionRunner.Finished run) {}

    private SupportBundleAction() {}

    public static Result run(Request request, ActionRunner runner) {
        Inventory inventory = request.inventory();
        Preflight.validate(inventory);
        List<Secret> secrets = knownSecrets(request);
        ActionRunner.Ran ran = runner.run(inventory, secrets, lock -> phases(request, secrets),
                "support bundle of cluster " + inventory.cluster().name() + " from " + inventory.hosts().size() + " host(s)");
        return new Result(ran.context().state().get(null, CollectSupportBundle.WRITTEN), ran.finished());
    }

    /** @param secrets every secret known on the operator's side ({@link #knownSecrets}) */
    public static List<Phase> phases(Request request, List<Secret> secrets) {
        List<Host> hosts = request.inventory().hosts();
        return List.of(
                Connect.keepingFailures(hosts, request.ssh()),
                RunPreflight.reportOnly(hosts),
                new CollectSupportBundle(hosts, new CollectSupportBundle.Settings(request.target(), request.journalLines(),
                        request.runLogs(), ActionRunner.withInventorySecrets(request.inventory(), secrets), request.createdBy(),
                        request.clock())));
    }

    /**
     * The secrets the operator's side holds beyond the inventory's: the PKI's join tokens (when
     * its directory is here) and the app passwords install generated and saved
     * ({@code CLUSTER-*-password} beside the kubeconfig).
     */
    static List<Secret> knownSecrets(Request request) {
        List<Secret> secrets = new ArrayList<>();
        Path pki = request.inventory().pki().dir();
        if (pki != null && Files.isDirectory(pki)) {
            try {
                secrets.addAll(ClusterMaterial.load(pki).secrets());
            } catch (RuntimeException e) {
                // an incomplete PKI directory: the rules still catch join tokens by their shape
            }
        }
        String prefix = request.inventory().cluster().name() + "-";
        if (request.localDir() != null && Files.isDirectory(request.localDir())) {
            try (Stream<Path> files = Files.list(request.localDir())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)
                        && f.getFileName().toString().endsWith("-password") && Files.isRegularFile(f)).toList()) {
                    secrets.add(Secret.literal(Files.readString(file).strip()));
                }
            } catch (IOException e) {
                // unreadable: nothing to add
            }
        }
        return secrets;
    }
}
