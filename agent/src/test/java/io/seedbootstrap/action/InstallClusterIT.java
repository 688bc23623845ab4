package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.testvm.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three servers and two agents from one {@code install} on test machines with the RKE2 contract
 * double (a test double, not RKE2): the servers join one at a time, each promoted from etcd
 * learner before the next is added (the double records the order and refuses a second learner,
 * contract A.10), agents join after the servers with the agent token only, and the RKE2 files
 * cross the operator's link once (relay).
 */
class InstallClusterIT {
    @RegisterExtension
    static final SeedCluster cluster = SeedCluster.builder().servers(3).agents(2).build();

    @Test
    void serversJoinOneAtATimeThenTheAgentsAndFilesAreSentOnce() throws Exception {
        TestMachine s1 = cluster.get(0);
        TestMachine s2 = cluster.get(1);
        TestMachine s3 = cluster.get(2);
        TestMachine a1 = cluster.get(3);
        TestMachine a2 = cluster.get(4);
        Path inventory = cluster.inventory("ha-it").registrationAddress(s1).write();
        CommandRunner.Result result = cluster.run("install", inventory.toString(), "-o", "json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode summary = new ObjectMapper().readTree(result.out());
        for (JsonNode host : summary.path("hosts")) {
            assertTrue(host.path("ready").asBoolean(), host.toString());
        }

        // A.10: s2 added as a learner and promoted, then s3 the same, then the agents; nothing refused
        List<JsonNode> joins = SeedCluster.joins(s1).stream().map(SeedCluster.DoubleRecord::value).toList();
        List<String> order = joins.stream().map(j -> j.path("node").asText() + ":" + j.path("result").asText()).toList();
        // a parallel join is what etcd (and the double) refuses: never a second learner
        assertFalse(joins.stream().anyMatch(j -> j.path("reason").asText().contains("learner")), joins.toString());
        int s2Learner = order.indexOf(s2.name() + ":learner-added");
        int s2Promoted = order.indexOf(s2.name() + ":promoted");
        int s3Learner = order.indexOf(s3.name() + ":learner-added");
        int s3Promoted = order.indexOf(s3.name() + ":promoted");
        int firstAgent = Math.min(order.indexOf(a1.name() + ":registered"), order.indexOf(a2.name() + ":registered"));
        assertTrue(s2Learner >= 0 && s2Learner < s2Promoted && s2Promoted < s3Learner && s3Learner < s3Promoted && s3Promoted < firstAgent,
                order.toString());
        // A.5: the critical values are the same on every server
        String critical = "grep -E '^(cni|cluster-cidr|service-cidr|cluster-domain|agent-token-file):' /etc/rancher/rke2/config.yaml";
        assertEquals(s1.sh(critical).stdout(), s2.sh(critical).stdout());
        assertEquals(s1.sh(critical).stdout(), s3.sh(critical).stdout());
        // D: manifests only on the bootstrap server
        assertFalse(s2.sh("ls /var/lib/rancher/rke2/server/manifests 2>/dev/null | grep -q seed-bootstrap").ok());

        // joining nodes register through the fixed address; the agent holds only the agent token
        assertTrue(s2.sh("grep -qx 'server: https://" + s1.ip() + ":9345' /etc/rancher/rke2/config.yaml").ok());
        assertEquals(Files.readString(cluster.pki().resolve("cluster/agent-token")).strip(),
                a1.sh("cat /etc/rancher/rke2/seed-bootstrap-token").stdout().strip());
        assertFalse(a1.sh("test -e /etc/rancher/rke2/seed-bootstrap-agent-token").ok());
        assertTrue(a1.sh("systemctl is-active rke2-agent").ok());

        // the relay: the RKE2 files left the operator once, as one batch for the five hosts, and no temporary key stayed behind
        long tarball = Files.size(cluster.bundle().resolve("rke2/rke2.linux-amd64.tar.gz"));
        String log = cluster.runLogText();
        java.util.regex.Matcher batch = java.util.regex.Pattern.compile("\\d+ file\\(s\\) of (\\d+) bytes: operator sent (\\d+) bytes for 5 hosts")
                .matcher(log);
        assertTrue(batch.find(), log);
        assertEquals(batch.group(1), batch.group(2), "each file of the batch crossed the operator's link once");
        assertTrue(Long.parseLong(batch.group(1)) >= tarball, "the batch holds the tarball: " + batch.group());
        for (TestMachine m : cluster.machines()) {
            assertFalse(m.sh("grep -q seed-bootstrap-relay /root/.ssh/authorized_keys").ok(), m.name());
            assertEquals(Files.readString(cluster.bundle().resolve("rke2/sha256sum-amd64.txt")),
                    m.sh("cat /var/lib/seed-bootstrap/artifacts/rke2/sha256sum-amd64.txt").stdout(), m.name());
        }

        // converged: nothing to do on any host
        CommandRunner.Result again = cluster.run("install", inventory.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 change(s) made"), again.out());

        // the re-run's check answered from the records of what was placed (issue 22, P3), yet a file
        // changed since is seen: a byte of a2's core image archive changed in place, its time put back, is sent again
        String core = "/var/lib/rancher/rke2/agent/images/rke2-images-core.linux-amd64.tar.zst";
        assertTrue(a2.sh("ls /var/lib/seed-bootstrap/verified | grep -q rke2-images-core").ok(), "a2 has a record of " + core);
        a2.sh("t=$(stat -c %y " + core + "); printf X | dd of=" + core + " bs=1 seek=100 conv=notrunc 2>/dev/null; touch -d \"$t\" " + core)
                .orThrow("change a byte of " + core);
        CommandRunner.Result changed = cluster.run("install", inventory.toString(), "-o", "json");
        assertEquals(0, changed.exitCode(), changed.err());
        List<String> changes = new ArrayList<>();
        new ObjectMapper().readTree(changed.out()).path("changes").forEach(c -> changes.add(c.path("host").asText() + " " + c.path("change").asText()));
        assertEquals(1, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith(a2.name() + " upload ") && changes.get(0).contains(core), changes.toString());
        assertEquals(a1.sh("sha256sum < " + core + " | cut -c1-64").stdout(), a2.sh("sha256sum < " + core + " | cut -c1-64").stdout());
    }
}
