package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What install must not change: a dry run changes nothing (file tree and unit states compared
 * before and after) yet lists every change; a bundle for another RKE2 version, a bundle signed
 * by a key the inventory does not pin, and a host locked by another run are refused before any
 * change. Uses the RKE2 contract double's artifacts (a test double, not RKE2).
 */
class InstallRefusalIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).build();

    private static TestMachine vm() {
        return cluster.get(0);
    }

    /**
     * Every file outside the kernel's and the runtime's folders, with size, mode and mtime; then the unit states.
     * Debian's sudo leaves ~/.sudo_as_admin_successful at a user's first sudo: made here first,
     * so the comparison sees only what seed-bootstrap does.
     */
    private static String hostState() {
        vm().sh("su admin -c 'sudo -n true'").orThrow("first sudo");
        return vm().sh("find / -xdev \\( -path /proc -o -path /sys -o -path /run -o -path /tmp -o -path /var/log -o -path /dev \\) -prune "
                + "-o -printf '%p %s %m %T@\\n' | sort; systemctl list-units --all --no-legend --plain | sort").orThrow("host state").stdout();
    }

    @Test
    void dryRunListsEveryChangeAndChangesNothing() throws Exception {
        Path inventory = cluster.inventory("dry-it").server(vm()).write();
        String before = hostState();
        CommandRunner.Result result = cluster.run("install", inventory.toString(), "--dry-run");
        assertEquals(0, result.exitCode(), result.err());
        String after = hostState();
        assertEquals(before, after, "a dry run changed the host");
        assertFalse(Files.exists(inventory.getParent().resolve("dry-it.kubeconfig")));
        String plan = result.out();
        for (String expected : List.of("+ upload rke2/rke2.linux-amd64.tar.gz", "+ upload rke2/rke2-images-canal.linux-amd64.tar.zst",
                "+ install RKE2 v1.35.7+rke2r1 (server) under /usr/local", "+ write 11 CA files to /var/lib/rancher/rke2/server/tls",
                "+ write /etc/rancher/rke2/config.yaml (0600)", "+ write /etc/rancher/rke2/seed-bootstrap-token (0600, secret)",
                "+ enable and start rke2-server", "+ write " + inventory.getParent().resolve("dry-it.kubeconfig"),
                "+ write /var/lib/rancher/rke2/server/manifests/seed-cert-manager.yaml (0600",
                "Dry run: nothing was changed")) {
            assertTrue(plan.contains(expected), "plan lacks \"" + expected + "\":\n" + plan);
        }
        assertFalse(plan.contains("cilium"), plan);
    }

    @Test
    void anotherRke2VersionIsRefusedBeforeAnyChange() throws Exception {
        Path inventory = cluster.inventory("version-it").server(vm()).write();
        Files.writeString(inventory, Files.readString(inventory).replace("v1.35.7+rke2r1", "v1.35.8+rke2r1"));
        String before = hostState();
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("the bundle holds RKE2 v1.35.7+rke2r1, but the inventory asks for v1.35.8+rke2r1 (cluster.rke2Version)"),
                result.err());
        assertTrue(result.err().contains("nothing was changed on any host"), result.err());
        assertEquals(before, hostState());
    }

    @Test
    void aBundleSignedByAnUnpinnedKeyIsRefusedBeforeAnyChange() throws Exception {
        Path inventory = cluster.inventory("unpinned-it").server(vm()).write();
        String other = BundleSigningKey.generate().fingerprint();
        Files.writeString(inventory, Files.readString(inventory).replace(cluster.signingKey().fingerprint(), other));
        String before = hostState();
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains(cluster.signingKey().fingerprint()) && result.err().contains(other), result.err());
        assertEquals(before, hostState());
    }

    @Test
    void aHostLockedByAnotherRunIsRefused() throws Exception {
        Path inventory = cluster.inventory("locked-it").server(vm()).write();
        vm().sh("mkdir -p -m 0700 /var/lib/seed-bootstrap && printf 'run=other-run\\noperator=laptop-7\\npid=4242\\nstarted=2026-11-27T06:00:00Z\\n"
                + "command=install\\n' > /var/lib/seed-bootstrap/lock").orThrow("lock");
        try {
            CommandRunner.Result result = cluster.run("install", inventory.toString());
            assertEquals(3, result.exitCode(), result.err());
            assertTrue(result.err().contains("locked by run other-run (install) from laptop-7, pid 4242"), result.err());
            assertTrue(result.err().contains("--force-unlock"), result.err());
            assertFalse(vm().sh("test -e /var/lib/rancher/rke2").ok(), "nothing was installed");
            assertTrue(vm().sh("grep -q other-run /var/lib/seed-bootstrap/lock").ok(), "the other run's lock is left alone");
        } finally {
            vm().sh("rm -f /var/lib/seed-bootstrap/lock");
        }
    }

    @Test
    void aPreflightFailureIsRefusedBeforeAnyChange() throws Exception {
        Path inventory = cluster.inventory("preflight-it").server(vm()).write();
        // another program holds RKE2's supervisor port (contract A.8)
        vm().sh("setsid socat TCP-LISTEN:9345,fork,reuseaddr SYSTEM:true >/dev/null 2>&1 < /dev/null &").orThrow("socat");
        try {
            String before = hostState();
            CommandRunner.Result result = cluster.run("install", inventory.toString());
            assertEquals(3, result.exitCode(), result.err());
            assertTrue(result.err().contains("9345") && result.err().contains("socat"), result.err());
            assertTrue(result.err().contains("nothing was changed on any host"), result.err());
            assertEquals(before, hostState());
        } finally {
            vm().sh("pkill -f 'socat TCP-LISTEN:9345' || true");
        }
    }

    @Test
    void anUnreachableHostStopsTheRunBeforeAnyChangeOnTheOthers() throws Exception {
        String gone = vm().ip().replaceFirst("\\.\\d+$", ".250"); // on the test network, no machine there
        Path inventory = cluster.inventory("unreachable-it").server(vm()).ssh("connectTimeoutSeconds: 3")
                .host("{name: gone-1, address: " + gone + ", role: agent}").write();
        String before = hostState();
        CommandRunner.Result result = cluster.run("install", inventory.toString());
        assertTrue(result.exitCode() != 0, result.err());
        assertTrue(result.err().contains("gone-1"), result.err());
        assertTrue(result.err().contains("nothing was changed on any host"), result.err());
        assertEquals(before, hostState());
    }
}
