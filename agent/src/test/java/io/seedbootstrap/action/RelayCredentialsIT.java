package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay's one-hop credentials (a restricted line in root's authorized_keys on the receiver,
 * a key pair on the sender) never outlive the run that made them (issue 21 item 6): the jar
 * interrupted with SIGINT or SIGTERM in the middle of a hop removes them before it exits; what a
 * run killed with -9 leaves is swept at the start of the next run on every host, relayed to or
 * not; reset removes them. Two hosts (server vm1, agent vm2), so files go vm1 -> vm2 by relay.
 * The hop is held in place by an {@code ssh} on vm1 that never connects (a wrapper first in
 * root's PATH), so the signal lands while the credentials exist. The RKE2 contract double stands
 * in for RKE2 (a test double, not RKE2).
 */
class RelayCredentialsIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    private static final String STALE_LINE = "restrict,from=\"10.0.0.1\",command=\"/bin/sh /var/lib/seed-bootstrap/relay/20200101T000000.abcdef-1.recv\" "
            + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOld seed-bootstrap-relay 20200101T000000.abcdef-1";
    private static final String OWN_LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWiBhB6Xv7m0qj0aC2DT5G0GYkGkqV5y1o9v+2Qo3dE someone@laptop";

    private static Path inventory;

    @BeforeAll
    static void inventoryAndTheOperatorsOwnKey() {
        if (!cluster.ready()) {
            return;
        }
        inventory = cluster.inventory("relay-creds").write();
        for (TestMachine m : cluster.machines()) {
            m.sh("echo '" + OWN_LINE + "' >> /root/.ssh/authorized_keys").orThrow("operator's own line");
        }
    }

    private static TestMachine vm1() {
        return cluster.get(0);
    }

    private static TestMachine vm2() {
        return cluster.get(1);
    }

    @Test
    void interruptedMidHopNothingIsLeftStaleOnesAreSweptAtTheStartOfEveryRunAndByReset() throws Exception {
        // SIGINT (Ctrl-C) and SIGTERM (kill): the hook removes the line and the keys before the JVM exits
        for (String signal : List.of("INT", "TERM")) {
            // the interrupted run before left vm1 the whole batch (the operator's upload to the first
            // receiver): without it again, both hosts lack the files and this run relays
            vm1().sh("rm -rf /var/lib/seed-bootstrap/artifacts /var/lib/rancher/rke2/agent/images").orThrow("remove vm1's copies");
            holdTheNextHop();
            Process run = cluster.start("install", inventory.toString());
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> SeedCluster.output(run));
            waitForTheHeldHop(run, output);
            assertEquals("1", sh(vm2(), "grep -c ' seed-bootstrap-relay ' /root/.ssh/authorized_keys || true"),
                    signal + ": the receiver's line is there while the hop runs");
            assertFalse(sh(vm1(), "ls -A /var/lib/seed-bootstrap/relay").isEmpty(), signal + ": the sender's key is there");

            long t0 = System.nanoTime();
            signal(signal, run.pid());
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), signal + ": the run did not end");
            String out = output.join();
            assertEquals(signal.equals("INT") ? 130 : 143, run.exitValue(), out);
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, signal + ": the clean-up on exit is bounded");
            releaseTheHeldHop();
            assertNoRelayCredentials(signal + " mid-hop");
            assertOwnLinesKept();
        }

        // kill -9 cannot be handled: a stale line and key files (planted as a killed run leaves them)
        // are swept by the next run as it starts, on every host, also when nothing is relayed to it
        Process first = cluster.start("install", inventory.toString());
        String installed = SeedCluster.output(first);
        assertTrue(first.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), installed);
        assertNoRelayCredentials("after an install");
        plantStaleCredentials();
        Process converged = cluster.start("install", inventory.toString());
        String again = SeedCluster.output(converged);
        assertTrue(converged.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, converged.exitValue(), again);
        assertFalse(again.contains("relayed between the hosts"), "a converged run relays nothing:\n" + again);
        assertTrue(again.contains("2 change(s) made"), "the two sweeps are the only changes:\n" + again);
        assertNoRelayCredentials("swept at the start of a converged run");
        assertOwnLinesKept();

        // reset: its dry run lists the removal, the reset removes them
        plantStaleCredentials();
        Process dry = cluster.start("reset", inventory.toString(), "--dry-run");
        String plan = SeedCluster.output(dry);
        assertTrue(dry.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, dry.exitValue(), plan);
        assertTrue(plan.contains("remove the relay credentials of earlier run(s) 20200101T000000.abcdef"), plan);
        assertEquals("1", sh(vm2(), "grep -c ' seed-bootstrap-relay ' /root/.ssh/authorized_keys || true"), "the dry run changed nothing");
        Process reset = cluster.start("reset", inventory.toString(), "--no-backup", "--yes");
        String resetOut = SeedCluster.output(reset);
        assertTrue(reset.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, reset.exitValue(), resetOut);
        for (TestMachine m : cluster.machines()) {
            assertEquals("0", sh(m, "grep -c ' seed-bootstrap-relay ' /root/.ssh/authorized_keys || true"), m.name() + " after reset");
            assertFalse(m.sh("test -e /var/lib/seed-bootstrap").ok(), m.name() + ": reset removes our state folder");
        }
        assertOwnLinesKept();
    }

    /** The next `ssh` root runs on vm1 (the relay's sender) says so and sleeps instead of connecting. */
    private static void holdTheNextHop() {
        vm1().sh("rm -f /tmp/held-hop.pid && printf '#!/bin/sh\\necho $$ > /tmp/held-hop.pid\\nexec sleep 600\\n' > /usr/local/bin/ssh"
                + " && chmod 755 /usr/local/bin/ssh").orThrow("ssh wrapper");
    }

    private static void releaseTheHeldHop() {
        vm1().sh("rm -f /usr/local/bin/ssh; [ -f /tmp/held-hop.pid ] && kill $(cat /tmp/held-hop.pid); rm -f /tmp/held-hop.pid");
    }

    private static void waitForTheHeldHop(Process run, CompletableFuture<String> output) throws Exception {
        Instant deadline = Instant.now().plusSeconds(300);
        while (!vm1().sh("test -s /tmp/held-hop.pid").ok()) {
            if (!run.isAlive() || Instant.now().isAfter(deadline)) {
                run.destroyForcibly();
                releaseTheHeldHop();
                throw new AssertionError("the run never reached a relay hop:\n" + output.join());
            }
            Thread.sleep(200);
        }
    }

    private static void plantStaleCredentials() {
        for (TestMachine m : cluster.machines()) {
            m.sh("echo '" + STALE_LINE + "' >> /root/.ssh/authorized_keys && mkdir -p -m 0700 /var/lib/seed-bootstrap/relay"
                    + " && for x in key key.pub known_hosts recv; do echo old > /var/lib/seed-bootstrap/relay/20200101T000000.abcdef-1.$x; done")
                    .orThrow("plant");
        }
    }

    private static void assertNoRelayCredentials(String when) {
        for (TestMachine m : cluster.machines()) {
            assertEquals("0", sh(m, "grep -c ' seed-bootstrap-relay ' /root/.ssh/authorized_keys || true"), when + ": " + m.name()
                    + " authorized_keys:\n" + sh(m, "cat /root/.ssh/authorized_keys"));
            assertEquals("", sh(m, "ls -A /var/lib/seed-bootstrap/relay 2>/dev/null || true"), when + ": " + m.name() + " relay folder");
        }
    }

    private static void assertOwnLinesKept() {
        for (TestMachine m : cluster.machines()) {
            assertTrue(sh(m, "cat /root/.ssh/authorized_keys").contains(OWN_LINE), m.name() + ": the operator's own key stays");
        }
    }

    private static String sh(TestMachine m, String script) {
        return m.sh(script).orThrow(m.name() + ": " + script).stdout().strip();
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

}
