package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.testvm.TestMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of the installer, then a re-run: it converges to the same cluster. The installer runs
 * as a real process (the jar); it is killed as each phase that changes hosts starts, and once in
 * the middle of an upload (the staged file is seen growing on the host). After every kill the
 * re-run takes over the dead run's host lock and ends with a Ready node, the PKI's token and CA
 * and no lock left. The RKE2 contract double stands in for RKE2 (a test double, not RKE2).
 */
class InstallKillIT {
    /** A bundle whose core image archive is padded to 96 MiB, so its upload lasts long enough to be interrupted. */
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).bundlePadding(96 << 20).build();

    /** Phases that change hosts: a kill as each starts leaves the work before it done and the rest undone. */
    private static final List<String> KILL_AT = List.of("Take the host locks", "Upload the RKE2 artifacts", "Install RKE2 from the tarball",
            "Write the cluster CA set (B.1)", "Write the RKE2 configuration", "Start the bootstrap server", "Join ",
            "Fetch the kubeconfig", "Upload the seed apps' image archives", "Deploy the seed apps", "Read the node status");

    private static Path inventory;

    @BeforeAll
    static void writeTheInventory() {
        if (cluster.ready()) {
            inventory = cluster.inventory("kill-it").write();
        }
    }

    private static TestMachine vm() {
        return cluster.get(0);
    }

    @Test
    void killedAtEveryPhaseBoundaryThenReRunConverges() throws Exception {
        for (String phase : KILL_AT) {
            reset();
            Process run = start();
            KillAt.Seen seen = KillAt.phaseStart(run, phase);
            assertTrue(seen.killed(), "phase \"" + phase + "\" never started: " + seen.why());
            String rerun = assertConverges("killed as \"" + seen.line() + "\" started");
            if (!phase.equals(KILL_AT.get(0))) {
                // the dead run held the lock: the same operator's re-run takes it over (its pid is gone)
                assertTrue(rerun.contains("took over the lock of an earlier run"), rerun);
            }
        }
    }

    @Test
    void killedInTheMiddleOfAnUploadThenReRunResumesAndConverges() throws Exception {
        reset();
        Process run = start();
        // the 96 MiB image archive is being staged: kill while its .part file grows
        KillAt.Upload upload = KillAt.midUpload(run, List.of(vm()), 8 << 20, Duration.ofSeconds(120));
        assertTrue(upload.staged() > 0, "the upload could not be interrupted: " + upload.why());
        long left = KillAt.stagedBytes(vm());
        assertTrue(left > 0 && left < (96L << 20) + (1 << 20), "a partial upload stays staged: " + left);
        assertConverges("killed mid-upload");
        // the staged file was resumed and renamed into place: nothing left in staging
        assertEquals("", vm().sh("ls /var/lib/seed-bootstrap/staging").stdout().strip());
    }

    @Test
    void aSecondInstallWhileTheFirstRunsIsRefusedAndTheFirstFinishes() throws Exception {
        reset();
        Process first = start();
        BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        boolean uploading = false;
        for (String line = firstOut.readLine(); line != null; line = firstOut.readLine()) {
            Matcher m = KillAt.PHASE.matcher(line);
            if (m.matches() && m.group(3).startsWith("Upload the RKE2 artifacts")) {
                uploading = true;
                break;
            }
        }
        assertTrue(uploading, "the first install never reached its uploads");
        // freeze it while it holds the lock (SIGSTOP: alive, doing nothing), so the second meets the lock, not a race
        signal("STOP", first.pid());
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
            StringBuilder all = new StringBuilder();
            firstOut.lines().forEach(l -> all.append(l).append('\n'));
            return all.toString();
        });
        // the first run holds the lock and is alive: same operator host, live pid -> refused, never taken over
        Process second = start();
        String refused = SeedCluster.output(second);
        assertTrue(second.waitFor(5, TimeUnit.MINUTES));
        assertEquals(3, second.exitValue(), refused);
        assertTrue(refused.contains(vm().name() + ": locked by run") && refused.contains("--force-unlock"), refused);
        signal("CONT", first.pid());
        assertTrue(first.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), rest.join());
        assertFalse(vm().sh("test -e /var/lib/seed-bootstrap/lock").ok());
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    /** Runs the installer to the end and checks the cluster is the one the inventory describes. */
    private static String assertConverges(String after) throws Exception {
        Process rerun = start();
        String output = SeedCluster.output(rerun);
        assertTrue(rerun.waitFor(10, TimeUnit.MINUTES), after + ": the re-run did not end");
        assertEquals(0, rerun.exitValue(), after + ": the re-run failed:\n" + output);
        assertTrue(vm().sh("systemctl is-active rke2-server").ok(), after);
        assertTrue(vm().sh(SeedCluster.KUBECTL + "get node " + vm().name()
                + " --no-headers | grep -q ' Ready'").ok(), after + ": node not Ready");
        assertEquals(Files.readString(cluster.pki().resolve("cluster/token")).strip(),
                vm().sh("cat /var/lib/rancher/rke2/server/token").stdout().strip(), after + ": another token");
        assertFalse(vm().sh("test -e /var/lib/seed-bootstrap/lock").ok(), after + ": lock left");
        assertTrue(Files.exists(inventory.getParent().resolve("kill-it.kubeconfig")), after);
        // and once converged, nothing more to do
        Process again = start();
        String quiet = SeedCluster.output(again);
        assertTrue(again.waitFor(5, TimeUnit.MINUTES) && again.exitValue() == 0, quiet);
        assertTrue(quiet.contains("0 change(s) made"), after + ": not converged:\n" + quiet);
        return output;
    }

    private static Process start() throws Exception {
        return cluster.start("install", inventory.toString());
    }

    /** Back to a bare machine: what an uninstall leaves, with our state gone too. */
    private static void reset() {
        vm().sh("systemctl stop rke2-server rke2-agent 2>/dev/null; if [ -x /usr/local/bin/rke2-uninstall.sh ]; then /usr/local/bin/rke2-uninstall.sh "
                + ">/dev/null 2>&1; fi; rm -rf /var/lib/seed-bootstrap /etc/rancher /var/lib/rancher; systemctl daemon-reload").orThrow("reset");
        try {
            Files.deleteIfExists(inventory.getParent().resolve("kill-it.kubeconfig"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertFalse(vm().sh("test -e /usr/local/bin/rke2").ok(), "reset left rke2 behind");
    }
}
