package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code upgrade} refuses before any change (contract A.11), on test machines with the RKE2
 * contract double (a test double, not RKE2): a cluster installed at v1.33 (double) is not moved to
 * v1.35 (two minors), nor to v1.34 while a node is NotReady; once the node is back, the one-minor
 * upgrade to v1.34 goes through.
 */
class UpgradeRefusalIT {
    private static final String V133 = "v1.33.5+rke2r1";
    private static final String V134 = "v1.34.2+rke2r1";
    private static final Map<String, String> PASSPHRASE = Map.of("SEED_DR_PASSPHRASE", "upgrade it passphrase, long enough");

    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(1).agents(1).build();

    private static long archives() throws Exception {
        try (Stream<Path> files = Files.list(cluster.work())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sbdr")).count();
        }
    }

    @Test
    void aTwoMinorJumpAndANotReadyNodeAreRefusedBeforeAnyChangeThenTheOneMinorStepGoesThrough() throws Exception {
        TestMachine server = cluster.get(0);
        TestMachine agent = cluster.get(1);
        Path inventory = cluster.inventory("refusal-it").write();
        Path at133 = SeedCluster.atVersion(inventory, V133);
        CommandRunner.Result install = cluster.run("install", at133.toString(), "--bundle", cluster.bundleOf(V133).toString());
        assertEquals(0, install.exitCode(), install.err());
        List<String> before = UpgradeIT.kubeletVersions(server);
        assertEquals(List.of(server.name() + "=" + V133, agent.name() + "=" + V133), before);

        // v1.33 -> v1.35 (the cluster's own bundle) skips v1.34: exit 3, nothing touched, no snapshot taken
        CommandRunner.Result jump = cluster.run(PASSPHRASE, "upgrade", inventory.toString());
        assertEquals(3, jump.exitCode(), jump.out() + jump.err());
        assertTrue(jump.err().contains("skips 1 minor version(s): upgrade one minor at a time (contract A.11), first to the newest v1.34.x"),
                jump.err());
        assertTrue(jump.err().contains("nothing was changed"), jump.err());
        assertEquals(before, UpgradeIT.kubeletVersions(server));
        assertEquals(0, archives());

        // a NotReady agent: the one-minor step is refused too, naming the node
        Path bundle134 = cluster.bundleOf(V134);
        Path at134 = SeedCluster.atVersion(inventory, V134);
        agent.sh("systemctl stop rke2-agent").orThrow("stop the agent");
        long deadline = System.currentTimeMillis() + 120_000;
        while (server.sh(SeedCluster.KUBECTL + "get node " + agent.name() + " --no-headers").stdout().contains(" Ready")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(3000);
        }
        CommandRunner.Result unhealthy = cluster.run(PASSPHRASE, "upgrade", at134.toString(), "--bundle", bundle134.toString());
        assertEquals(3, unhealthy.exitCode(), unhealthy.out() + unhealthy.err());
        assertTrue(unhealthy.err().contains(agent.name() + ": node " + agent.name() + " is NotReady"), unhealthy.err());
        assertEquals(before, UpgradeIT.kubeletVersions(server));
        assertTrue(server.sh("for b in /usr/local/bin/rke2 /opt/rke2/bin/rke2; do [ -x $b ] && $b --version; done; true").stdout().contains(V133), "the server's rke2 untouched");
        assertEquals(0, archives());

        // the agent back: v1.33 -> v1.34 is one minor and goes through
        agent.sh("systemctl start rke2-agent").orThrow("start the agent");
        CommandRunner.Result upgrade = cluster.run(PASSPHRASE, "upgrade", at134.toString(), "--bundle", bundle134.toString());
        assertEquals(0, upgrade.exitCode(), upgrade.err());
        assertEquals(List.of(server.name() + "=" + V134, agent.name() + "=" + V134), UpgradeIT.kubeletVersions(server));
        assertEquals(1, archives(), "the snapshot taken before the upgrade");
    }
}
