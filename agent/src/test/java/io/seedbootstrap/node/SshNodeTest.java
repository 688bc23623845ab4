package io.seedbootstrap.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.HostFacts;
import io.seedbootstrap.inventory.model.Connection;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Role;
import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.Upload;
import io.seedbootstrap.ssh.UploadResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import io.seedbootstrap.support.SeedException;
import org.junit.jupiter.api.Test;

/** The node layer's SSH side: the command each operation sends, and how it reads the answer. */
class SshNodeTest {
    /** A host that answers every command with {@code answer} and keeps what it was sent. */
    private static final class Scripted implements RemoteHost {
        final List<RemoteCommand> sent = new ArrayList<>();
        final Function<RemoteCommand, ExecResult> answer;

        Scripted(Function<RemoteCommand, ExecResult> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "h1";
        }

        @Override
        public ExecResult exec(RemoteCommand command) {
            sent.add(command);
            ExecResult result = answer.apply(command);
            return command.check() ? result.orThrow() : result;
        }

        @Override
        public UploadResult upload(Upload upload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}

        String last() {
            return sent.get(sent.size() - 1).script();
        }
    }

    private static ExecResult ok(String stdout) {
        return new ExecResult("h1", "cmd", 0, stdout, "", Duration.ZERO);
    }

    private static HostFacts facts(String id, String like) {
        return new HostFacts("h1", "m", id, "1", id, "x86_64", "6.1", 2, 4096, 0, 50, List.of("10.0.0.1"), true, Instant.EPOCH, true,
                Set.of(), "/opt/rke2", "rke2 version v1.35.7+rke2r1 (x)", like, "10.0.0.1", List.of(), Map.of(), "", false, Set.of(), Instant.EPOCH);
    }

    private static SshNode node(Scripted remote, Role role, HostFacts facts) {
        return new SshNode(new Host("h1", "10.0.0.1", Connection.SSH, role, role == Role.SERVER, null, null, null, null, null, null),
                remote, 22, () -> Optional.ofNullable(facts));
    }

    @Test
    void theEtcdUserGetsItsOsFamilysNologin() {
        Scripted debian = new Scripted(c -> ok(""));
        node(debian, Role.SERVER, facts("ubuntu", "debian")).system().createEtcdUser();
        assertTrue(debian.last().contains("useradd -r -c 'etcd user' -s /usr/sbin/nologin -M -g etcd etcd"), debian.last());
        assertTrue(debian.sent.get(0).root());
        Scripted rocky = new Scripted(c -> ok(""));
        node(rocky, Role.SERVER, facts("rocky", "rhel centos fedora")).system().createEtcdUser();
        assertTrue(rocky.last().contains("-s /sbin/nologin "), rocky.last());
    }

    @Test
    void osFamiliesFromOsRelease() {
        assertEquals(OsFamily.DEBIAN, OsFamily.of("ubuntu", ""));
        assertEquals(OsFamily.DEBIAN, OsFamily.of("linuxmint", "ubuntu debian"));
        assertEquals(OsFamily.RHEL, OsFamily.of("almalinux", "rhel centos fedora"));
        assertEquals(OsFamily.SUSE, OsFamily.of("sles", ""));
        assertEquals(OsFamily.SUSE, OsFamily.of("opensuse-leap", "suse opensuse"));
        assertEquals(OsFamily.OTHER, OsFamily.of("alpine", ""));
        assertEquals("/sbin/nologin", OsFamily.OTHER.nologinShell(), "unknown systems: RKE2's documented value");
    }

    @Test
    void theLockIsCreatedOnlyWhenAbsentAndItsHolderIsRead() {
        Scripted free = new Scripted(c -> ok("TAKEN\n"));
        assertEquals(Optional.empty(), node(free, Role.AGENT, null).system().createLock("run=a\n"));
        assertTrue(free.last().contains("( set -C; cat > /var/lib/seed-bootstrap/lock )"), "noclobber: " + free.last());
        assertTrue(free.sent.get(0).stdin() != null, "the content goes on stdin");
        Scripted held = new Scripted(c -> ok("HELD\nrun=b\npid=7\n"));
        assertEquals(Optional.of("run=b\npid=7\n"), node(held, Role.AGENT, null).system().createLock("run=a\n"));
        Scripted release = new Scripted(c -> ok(""));
        node(release, Role.AGENT, null).system().removeLock("run=a.b");
        assertTrue(release.last().startsWith("if grep -qx run=a.b /var/lib/seed-bootstrap/lock"), release.last());
    }

    /** Issue 22 (P3): the lock command also looks at files, holding the lock; a look cut short is no look. */
    @Test
    void theLockCommandLooksAtFilesHoldingTheLock() {
        String sum = "a".repeat(64);
        NodeProbes.Look look = new NodeProbes.Look(List.of("/etc/rancher/rke2/config.yaml", "/opt/big.tar"), List.of("/var/lib/x", "/var/lib/y"),
                List.of("rke2-agent", "rke2-server"));
        Scripted remote = new Scripted(c -> ok("TAKEN\nfile 20261125T070000.111111-1\n#look-states\n= " + sum + " 600 /opt/big.tar\n"
                + "? 644 /etc/rancher/rke2/config.yaml\n" + "b".repeat(64) + " */etc/rancher/rke2/config.yaml\n#look-existing\n/var/lib/y\n"
                + "#look-units\nactive\ninactive\n#looked\n"));
        NodeSystem system = node(remote, Role.AGENT, null).system();
        NodeSystem.LockAttempt attempt = system.createLock("run=a\n", look);
        assertEquals(Optional.empty(), attempt.heldBy());
        NodeProbes.Seen seen = attempt.seen().orElseThrow();
        assertEquals(java.util.Map.of("/opt/big.tar", new NodeFiles.State(sum, "0600"),
                "/etc/rancher/rke2/config.yaml", new NodeFiles.State("b".repeat(64), "0644")), seen.states());
        assertEquals(List.of("/var/lib/y"), seen.existing(look.existing()).orElseThrow());
        assertEquals(Optional.of(true), seen.active("rke2-agent"));
        assertEquals(Optional.of(false), seen.active("rke2-server"));
        assertEquals(Optional.empty(), seen.active("firewalld"), "not looked at");
        assertTrue(remote.last().contains("systemctl is-active rke2-agent rke2-server"), remote.last());
        assertTrue(remote.last().contains("( set -C; cat > /var/lib/seed-bootstrap/lock )") && remote.last().contains("stat -c"), remote.last());
        assertEquals(1, remote.sent.size(), "one command");
        assertEquals("take the host lock /var/lib/seed-bootstrap/lock, look at 4 path(s) and 2 unit(s)", remote.sent.get(0).display(),
                "the log says what the command reads");
        assertEquals("", NodeProbes.Look.NOTHING.describe());
        assertEquals(", look at 1 unit(s)", new NodeProbes.Look(List.of(), List.of(), List.of("rke2-server")).describe());
        assertEquals(List.of("20261125T070000.111111"), system.relayLeftovers("a"), "the credentials end where the look starts");
        assertEquals(1, remote.sent.size());

        // systemctl printed fewer states than units (it failed): the files stand, the units are asked
        Scripted noSystemd = new Scripted(c -> ok("TAKEN\n#look-states\n#look-existing\n#look-units\n#looked\n"));
        NodeProbes.Seen partly = node(noSystemd, Role.AGENT, null).system().createLock("run=a\n", look).seen().orElseThrow();
        assertEquals(Optional.empty(), partly.active("rke2-agent"));
        assertEquals(java.util.Map.of(), partly.states());

        // the hashing failed: no "#looked" line, so no look (the phases ask); the lock is still taken
        Scripted cut = new Scripted(c -> ok("TAKEN\n#look-states\n? 644 /etc/rancher/rke2/config.yaml\n"));
        NodeSystem.LockAttempt cutShort = node(cut, Role.AGENT, null).system().createLock("run=a\n", look);
        assertEquals(Optional.empty(), cutShort.heldBy());
        assertEquals(Optional.empty(), cutShort.seen());
        // held: the holder, nothing seen
        Scripted held = new Scripted(c -> ok("HELD\nrun=b\n"));
        NodeSystem.LockAttempt refused = node(held, Role.AGENT, null).system().createLock("run=a\n", look);
        assertEquals(Optional.of("run=b\n"), refused.heldBy());
        assertEquals(Optional.empty(), refused.seen());
    }

    @Test
    void theLockCommandListsTheRelayCredentialsSoTheSweepNeedsNoCommandOfItsOwn() {
        Scripted remote = new Scripted(c -> ok(c.script().contains("set -C") ? "TAKEN\nline 20261126T080000.0a0b0c-1\nfile 20261127T100000.abcdef-2\n"
                + "file 20261125T070000.111111-1\n" : ""));
        NodeSystem system = node(remote, Role.AGENT, null).system();
        assertEquals(Optional.empty(), system.createLock("run=20261127T100000.abcdef\n"));
        assertTrue(remote.last().contains(io.seedbootstrap.host.Relay.MARKER), "the lock command lists them: " + remote.last());
        int sent = remote.sent.size();
        assertEquals(List.of("20261125T070000.111111", "20261126T080000.0a0b0c"), system.relayLeftovers("20261127T100000.abcdef"),
                "this run's own are not leftovers");
        assertEquals(sent, remote.sent.size(), "answered from the lock command's listing");
        system.removeRelayLeftovers("20261127T100000.abcdef");
        assertEquals(List.of(), system.relayLeftovers("20261127T100000.abcdef"), "after the sweep the host is asked again");
        assertEquals(sent + 2, remote.sent.size());
        // a lock that is held lists nothing of the holder's: the next look asks the host
        Scripted held = new Scripted(c -> ok(c.script().contains("set -C") ? "HELD\nrun=b\n" : "line 20261126T080000.0a0b0c-1\n"));
        NodeSystem other = node(held, Role.AGENT, null).system();
        other.createLock("run=a\n");
        assertEquals(List.of("20261126T080000.0a0b0c"), other.relayLeftovers("a"));
        assertEquals(2, held.sent.size());
    }

    @Test
    void rke2RunsTheBinaryUnderThePrefixTheFactsFoundAndItsUnitByRole() {
        Scripted remote = new Scripted(c -> ok("{\"items\":[{\"spec\":{\"snapshotName\":\"s-1\",\"location\":\"file:///x/s-1\"}}]}"));
        SshNode server = node(remote, Role.SERVER, facts("debian", ""));
        assertEquals(List.of(new Rke2Service.Snapshot("s-1", "file:///x/s-1")), server.rke2().snapshots());
        assertEquals("/opt/rke2/bin/rke2 etcd-snapshot ls --output json", remote.last());
        server.rke2().deleteSnapshots(List.of("s-1", "it's"));
        assertEquals("/opt/rke2/bin/rke2 etcd-snapshot delete s-1 'it'\\''s'", remote.last());
        assertEquals("rke2-server", server.rke2().unit());
        assertEquals("rke2-agent", node(remote, Role.AGENT, null).rke2().unit());
        IllegalStateException noFacts = assertThrows(IllegalStateException.class, () -> node(remote, Role.SERVER, null).rke2().snapshots());
        assertTrue(noFacts.getMessage().contains("GatherFacts must run first"));
    }

    @Test
    void theUnitsStateStatusAndJournalAreReadOnlyCommandsOfItsRole() {
        Scripted inactive = new Scripted(c -> new ExecResult("h1", "cmd", 3, "inactive\n", "", Duration.ZERO));
        SshNode agent = node(inactive, Role.AGENT, null);
        assertEquals("inactive", agent.rke2().unitState(), "is-active exits 3 for a stopped unit: its text is the answer");
        assertEquals("systemctl is-active rke2-agent 2>/dev/null", inactive.last());
        Scripted silent = new Scripted(c -> new ExecResult("h1", "cmd", 4, "", "", Duration.ZERO));
        assertEquals("unknown", node(silent, Role.SERVER, null).rke2().unitState());
        Scripted text = new Scripted(c -> new ExecResult("h1", "cmd", 3, "* rke2-server.service\n", "", Duration.ZERO));
        SshNode server = node(text, Role.SERVER, null);
        assertEquals("* rke2-server.service\n", server.rke2().unitStatus());
        assertEquals("systemctl status --no-pager --full --lines=0 rke2-server 2>&1", text.last());
        assertTrue(text.sent.get(text.sent.size() - 1).root());
        server.rke2().journal(200);
        assertEquals("journalctl -u rke2-server -n 200 --no-pager -o short-iso 2>&1 | tail -n 200", text.last());
    }

    @Test
    void upgradeKubectlOperationsAskTheApiServerForEtcdAndDrainWithinTheirTimeout() {
        String kubectl = "/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml ";
        Scripted healthy = new Scripted(c -> ok("ok\n"));
        assertTrue(node(healthy, Role.SERVER, null).kubectl().etcdHealthy());
        assertEquals(kubectl + "get --raw /readyz/etcd", healthy.last(), "contract A.11");
        Scripted failing = new Scripted(c -> new ExecResult("h1", "cmd", 1, "", "[-]etcd failed: reason withheld", Duration.ZERO));
        assertFalse(node(failing, Role.SERVER, null).kubectl().etcdHealthy());
        Scripted remote = new Scripted(c -> ok(""));
        Kubectl k = node(remote, Role.SERVER, null).kubectl();
        k.cordon("a 1");
        assertEquals(kubectl + "cordon 'a 1'", remote.last());
        k.drain("a1", Duration.ofSeconds(90));
        assertEquals(kubectl + "drain a1 --ignore-daemonsets --delete-emptydir-data --timeout=90s", remote.last());
        assertEquals(Duration.ofSeconds(150), remote.sent.get(remote.sent.size() - 1).timeout(), "the drain's own limit, then kubectl's");
        k.uncordon("a1");
        assertEquals(kubectl + "uncordon a1", remote.last());
        k.annotateNode("a 1", "seed-bootstrap.io/cordoned-by-upgrade", "run 1");
        assertEquals(kubectl + "annotate node 'a 1' --overwrite 'seed-bootstrap.io/cordoned-by-upgrade=run 1'", remote.last());
        k.annotateNode("a1", "seed-bootstrap.io/cordoned-by-upgrade", null);
        assertEquals(kubectl + "annotate node a1 seed-bootstrap.io/cordoned-by-upgrade-", remote.last());
        Scripted refused = new Scripted(c -> new ExecResult("h1", "cmd", 1, "", "error: cannot evict pod as it would violate the pod's "
                + "disruption budget", Duration.ZERO));
        SeedException e = assertThrows(SeedException.class, () -> node(refused, Role.SERVER, null).kubectl().drain("a1", Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("h1: kubectl drain a1 failed: error: cannot evict pod"), e.getMessage());
    }

    @Test
    void kubectlQuotesWhatItIsGivenAndFindsNothingWithoutAnError() {
        Scripted remote = new Scripted(c -> ok(""));
        Kubectl kubectl = node(remote, Role.SERVER, null).kubectl();
        assertEquals(Optional.empty(), kubectl.get("secret", "cattle-system", "a b"));
        assertEquals("/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml -n cattle-system get secret 'a b' "
                + "--ignore-not-found -o json", remote.last());
        kubectl.delete("node", null, "old-s2");
        assertEquals("/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml delete node old-s2 --ignore-not-found",
                remote.last(), "a Node has no namespace");
        Scripted down = new Scripted(c -> new ExecResult("h1", "cmd", 1, "", "The connection to the server was refused", Duration.ZERO));
        assertThrows(Kubectl.Unreachable.class, () -> node(down, Role.SERVER, null).kubectl().get("namespace", null, "kube-system"));
        assertFalse(node(down, Role.SERVER, null).kubectl().nodes().isPresent());
    }

    @Test
    void aFileSetTravelsAsOneTarWithItsModesAndFolders() throws Exception {
        byte[] tar = SshFiles.tar(List.of(new NodeFiles.NewFile("server-ca.crt", "c".getBytes(StandardCharsets.UTF_8), "0644"),
                new NodeFiles.NewFile("etcd/server-ca.key", "k".getBytes(StandardCharsets.UTF_8), "0600")));
        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.add(e.getName() + " " + Integer.toOctalString(e.getMode()));
            }
        }
        assertEquals(List.of("etcd/ 40700", "server-ca.crt 100644", "etcd/server-ca.key 100600"), entries);
        Scripted remote = new Scripted(c -> {
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            try {
                c.stdin().writeTo(sent);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertTrue(sent.size() > 0);
            assertEquals("<the cluster CA files: redacted>", c.stdin().toString(), "never the keys in logs");
            return ok("");
        });
        node(remote, Role.SERVER, null).files().writeAll("/var/lib/rancher/rke2/server/tls", "0700",
                List.of(new NodeFiles.NewFile("server-ca.key", "k".getBytes(StandardCharsets.UTF_8), "0600")), "the cluster CA files");
        assertTrue(remote.last().contains("chmod 0700 /var/lib/rancher/rke2/server/tls"), remote.last());
    }
}
