package io.seedbootstrap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.HashCache;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import io.seedbootstrap.ssh.TrafficCounter;
import io.seedbootstrap.ssh.Upload;
import io.seedbootstrap.ssh.UploadResult;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay on three real hosts (sshd, systemd, admin with passwordless sudo): the operator
 * sends the file once, hosts copy it among themselves over SSH with one-hop keys, and nothing
 * of those keys is left afterwards.
 */
class RelayIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(3).build();

    private static final int SIZE = 16 << 20;

    @TempDir
    Path tmp;

    private final List<RemoteHost> open = new ArrayList<>();
    private TrafficCounter traffic;
    private Map<String, String> authorizedKeysBefore;

    @BeforeEach
    void connect() {
        traffic = new TrafficCounter();
        SshOptions options = SshOptions.defaults().withHashCache(HashCache.inMemory()).withTraffic(traffic)
                .withKeepAlive(Duration.ofSeconds(2), 3);
        for (TestMachine m : machines.machines()) {
            SshTarget t = SshTarget.simple(m.name(), m.sshHost(), m.sshPort(), m.user(), m.privateKey(), m.knownHosts())
                    .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60));
            open.add(RemoteHost.connect(t, options));
        }
        authorizedKeysBefore = new java.util.LinkedHashMap<>();
        for (TestMachine m : machines.machines()) {
            authorizedKeysBefore.put(m.name(), sh(m, "sha256sum < /root/.ssh/authorized_keys; stat -c '%a %U:%G' /root/.ssh/authorized_keys"));
        }
    }

    @AfterEach
    void close() {
        open.forEach(RemoteHost::close);
        open.clear();
        for (TestMachine m : machines.machines()) {
            m.sh("rm -rf /opt/relay /var/lib/seed-bootstrap/staging/* /var/lib/seed-bootstrap/relay");
        }
    }

    private static String sh(TestMachine m, String script) {
        return m.sh(script).orThrow(m.name() + ": " + script).stdout().trim();
    }

    private List<Relay.Peer> peers() {
        List<Relay.Peer> out = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            out.add(new Relay.Peer(open.get(i), machines.get(i).ip(), 22));
        }
        return out;
    }

    private Relay relay(String runId, Relay.Listener listener) {
        return new Relay(runId, new Hosts(Hosts.Limits.defaults()), listener, Duration.ofSeconds(60));
    }

    private Path file(String name) throws IOException {
        Path f = tmp.resolve(name);
        Random r = new Random(name.hashCode());
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (int left = SIZE; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, Math.min(left, buf.length));
            }
        }
        return f;
    }

    private void assertEveryHostHas(String target, String sha, String modeOwner) {
        for (TestMachine m : machines.machines()) {
            assertEquals(sha, sh(m, "sha256sum < " + target + " | cut -c1-64"), m.name() + " has the wrong content");
            assertEquals(modeOwner, sh(m, "stat -c '%a %U:%G' " + target), m.name());
        }
    }

    /** No key, known_hosts, receive script, authorized_keys line or staged file left. */
    private void assertNoRelayCredentialsLeft() {
        for (TestMachine m : machines.machines()) {
            assertEquals("", sh(m, "ls -A /var/lib/seed-bootstrap/relay 2>/dev/null || true"), m.name() + " relay dir");
            assertEquals("", sh(m, "ls -A /var/lib/seed-bootstrap/staging"), m.name() + " staging");
            assertEquals("0", sh(m, "grep -c seed-bootstrap-relay /root/.ssh/authorized_keys || true"), m.name());
            assertEquals(authorizedKeysBefore.get(m.name()),
                    sh(m, "sha256sum < /root/.ssh/authorized_keys; stat -c '%a %U:%G' /root/.ssh/authorized_keys"),
                    m.name() + ": authorized_keys must be as it was (content, mode, owner)");
        }
    }

    @Test
    void theOperatorSendsTheFileOnceAndHostsRelayItVerified() throws IOException {
        Path f = file("images.tar.zst");
        String sha = HashCache.inMemory().sha256(f);
        String target = "/opt/relay/images.tar.zst";
        List<String> hops = new ArrayList<>();
        TestMachine vm2 = machines.byName("vm2");
        Relay.Listener listener = new Relay.Listener() {
            @Override
            public void hopStarting(String from, String to, String t) {
                if (to.equals("vm2")) { // watch vm2's authorized_keys while the hop runs
                    vm2.sh("rm -f /root/seen; (for i in $(seq 1 3000); do grep seed-bootstrap-relay /root/.ssh/authorized_keys"
                            + " > /root/seen.tmp && mv /root/seen.tmp /root/seen && break; sleep 0.01; done) >/dev/null 2>&1 &");
                }
            }

            @Override
            public void hopFinished(String from, String to, String t, boolean ok, String detail) {
                synchronized (hops) {
                    hops.add(from + "->" + to + (ok ? "" : " failed: " + detail));
                }
            }
        };

        Relay.Result r = relay("run1", listener).distribute(f, sha, SIZE, target, "0640", "admin:admin", peers());

        assertEquals(SIZE, r.operatorBytes(), "the operator sends the file exactly once");
        assertEquals(1.0, r.operatorSends());
        // everything the installer wrote into any channel: the file once plus a few KB of scripts
        assertTrue(traffic.sent() >= SIZE && traffic.sent() < SIZE + (256 << 10), "sent " + traffic.sent());
        assertEquals(sha, r.items().get(0).sha256());
        assertEquals(Map.of("vm1", Relay.Source.OPERATOR, "vm2", Relay.Source.HOST, "vm3", Relay.Source.HOST), r.sources());
        // binomial: vm1 -> vm2 in round 1, then vm1 -> vm3 (vm2 waits: nobody left)
        assertEquals(List.of("vm1->vm2", "vm1->vm3"), hops);
        assertEquals(2, r.rounds());
        assertEquals(List.of(), r.resent());
        assertEveryHostHas(target, sha, "640 admin:admin");
        assertNoRelayCredentialsLeft();
        // while it was there, the line let only vm1's one-hop key run only the receive script
        String seen = sh(vm2, "cat /root/seen; rm -f /root/seen");
        assertTrue(seen.matches("restrict,from=\"" + machines.get(0).ip().replace(".", "\\.") + "\",command=\"/bin/sh "
                + "/var/lib/seed-bootstrap/relay/run1-1\\.recv\" ssh-ed25519 [A-Za-z0-9+/=]+ seed-bootstrap-relay run1-1"), seen);

        // again: every host has it, nothing is sent
        long before = traffic.sent();
        Relay.Result again = relay("run2", Relay.Listener.NONE).distribute(f, sha, SIZE, target, "0640", "admin:admin", peers());
        assertEquals(0, again.operatorBytes());
        assertEquals(Map.of("vm1", Relay.Source.ALREADY_THERE, "vm2", Relay.Source.ALREADY_THERE,
                "vm3", Relay.Source.ALREADY_THERE), again.sources());
        assertTrue(traffic.sent() - before < 64 << 10, "only commands: " + (traffic.sent() - before));
        assertNoRelayCredentialsLeft();

        // told that every receiver lacks it (a caller that read their files), nobody is asked: each gets it again, checked
        Relay.Result told = relay("run7", Relay.Listener.NONE).distributeToLacking(
                List.of(new Relay.Item(f, sha, SIZE, target, "0640", "admin:admin")), peers());
        assertEquals(Relay.Source.ALREADY_THERE, told.sources().get("vm1"), "the first is the operator's upload, which skips what is there");
        assertEquals(Relay.Source.HOST, told.sources().get("vm2"));
        assertEquals(Relay.Source.HOST, told.sources().get("vm3"));
        assertEveryHostHas(target, sha, "640 admin:admin");
        assertNoRelayCredentialsLeft();
    }

    @Test
    void aBatchOfFilesCrossesEachHopInOneStreamAndEveryFileLandsVerified() throws IOException {
        Path big = file("core.tar.zst");
        Path small = tmp.resolve("sha256sum.txt");
        Files.writeString(small, "a small file of the batch\n");
        Path canal = tmp.resolve("canal.tar.zst");
        Files.write(canal, new byte[330]);
        HashCache hashes = HashCache.inMemory();
        List<Relay.Item> items = List.of(
                new Relay.Item(small, hashes.sha256(small), Files.size(small), "/opt/batch/sha256sum.txt", "0644", null),
                new Relay.Item(big, hashes.sha256(big), SIZE, "/opt/batch/images/core.tar.zst", "0640", "admin:admin"),
                new Relay.Item(canal, hashes.sha256(canal), 330, "/opt/batch/images/canal.tar.zst", "0600", null));
        List<String> hops = new ArrayList<>();
        Relay.Listener listener = new Relay.Listener() {
            @Override
            public void hopFinished(String from, String to, String what, boolean ok, String detail) {
                synchronized (hops) {
                    hops.add(from + "->" + to + " " + what + (ok ? "" : " failed: " + detail));
                }
            }
        };

        Relay.Result r = relay("run7", listener).distribute(items, peers());

        assertEquals(SIZE + Files.size(small) + 330, r.operatorBytes(), "each file crosses the operator's link once");
        assertEquals(List.of("vm1->vm2 3 files", "vm1->vm3 3 files"), hops);
        assertEquals(List.of(), r.resent());
        assertEveryHostHas("/opt/batch/sha256sum.txt", items.get(0).sha256(), "644 root:root");
        assertEveryHostHas("/opt/batch/images/core.tar.zst", items.get(1).sha256(), "640 admin:admin");
        assertEveryHostHas("/opt/batch/images/canal.tar.zst", items.get(2).sha256(), "600 root:root");
        assertNoRelayCredentialsLeft();
    }

    @Test
    void aHostServingACorruptedCopyIsCaughtAndTheOperatorSendsInstead() throws IOException {
        Path f = file("corrupted.bin");
        String sha = HashCache.inMemory().sha256(f);
        String target = "/opt/relay/corrupted.bin";
        AtomicBoolean corrupted = new AtomicBoolean();
        List<String> refused = new ArrayList<>();
        Relay.Listener listener = new Relay.Listener() {
            @Override
            public void hopStarting(String from, String to, String t) {
                // vm1 verified its copy; now its disk "flips a byte" before it serves it
                if (from.equals("vm1") && corrupted.compareAndSet(false, true)) {
                    sh(machines.byName("vm1"), "printf X | dd of=" + t + " bs=1 seek=1000 conv=notrunc status=none");
                }
            }

            @Override
            public void hopFinished(String from, String to, String t, boolean ok, String detail) {
                if (!ok) {
                    // before the operator re-sends: the receiver refused the bad copy, nothing of it is left
                    TestMachine m = machines.byName(to);
                    synchronized (refused) {
                        refused.add(from + "->" + to + " " + detail + " | target " + sh(m, "test -e " + t + " && echo present || echo absent")
                                + " | staging [" + sh(m, "ls -A /var/lib/seed-bootstrap/staging") + "]");
                    }
                }
            }
        };

        Relay.Result r = relay("run3", listener).distribute(f, sha, SIZE, target, "0644", null, peers());

        assertTrue(corrupted.get());
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith("vm1->vm2 ") && refused.get(0).contains("instead of " + sha)
                && refused.get(0).endsWith("| target absent | staging []"), refused.get(0));
        assertEquals(List.of("vm1"), r.badSources());
        // vm2 got the bad copy: re-sent by the operator; vm1's own copy was bad too: re-sent
        assertEquals(List.of("vm2", "vm1"), r.resent());
        assertEquals(3L * SIZE, r.operatorBytes());
        // vm3 was served by vm2 (re-sent copy), never by the bad vm1
        assertEquals(Map.of("vm3", "vm2"), r.servedBy());
        assertEveryHostHas(target, sha, "644 root:root");
        assertNoRelayCredentialsLeft();
    }

    @Test
    void aFileThatNoLongerHasTheExpectedSha256IsRefusedBeforeAnyHostHasIt() throws IOException {
        Path f = file("swapped.bin");
        String sha = HashCache.inMemory().sha256(f);
        String target = "/opt/relay/swapped.bin";
        // verified, then changed on the operator's disk (same size)
        byte[] bytes = Files.readAllBytes(f);
        bytes[SIZE / 2] ^= 1;
        Files.write(f, bytes);

        io.seedbootstrap.ssh.SshFailure e = org.junit.jupiter.api.Assertions.assertThrows(io.seedbootstrap.ssh.SshFailure.class,
                () -> relay("run6", Relay.Listener.NONE).distribute(f, sha, SIZE, target, "0644", null, peers()));

        assertEquals(io.seedbootstrap.ssh.SshFailure.Kind.SOURCE_CHANGED, e.kind());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("changed after it was verified"), e.getMessage());
        for (TestMachine m : machines.machines()) {
            assertEquals("absent", sh(m, "test -e " + target + " && echo present || echo absent"), m.name());
        }
        assertNoRelayCredentialsLeft();
    }

    @Test
    void theSenderChecksTheReceiversRealHostKey() throws IOException {
        Path f = file("pinned.bin");
        String sha = HashCache.inMemory().sha256(f);
        String target = "/opt/relay/pinned.bin";
        // vm2 as the operator "knows" it with vm3's host key: vm1 must refuse to send to vm2
        RemoteHost vm2 = open.get(1);
        String wrongKey = open.get(2).hostKey().orElseThrow();
        RemoteHost lying = new Delegate(vm2) {
            @Override
            public Optional<String> hostKey() {
                return Optional.of(wrongKey);
            }
        };
        List<Relay.Peer> peers = new ArrayList<>(peers());
        peers.set(1, new Relay.Peer(lying, machines.get(1).ip(), 22));
        List<String> failures = new ArrayList<>();
        Relay.Listener listener = new Relay.Listener() {
            @Override
            public void hopFinished(String from, String to, String t, boolean ok, String detail) {
                if (!ok) {
                    synchronized (failures) {
                        failures.add(to + ": " + detail);
                    }
                }
            }
        };

        Relay.Result r = relay("run4", listener).distribute(f, sha, SIZE, target, "0644", null, peers);

        assertEquals(List.of("vm2"), r.resent());
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("Host key verification failed"), failures.get(0));
        assertEquals(List.of(), r.badSources());
        assertEquals(2L * SIZE, r.operatorBytes());
        assertEveryHostHas(target, sha, "644 root:root");
        assertNoRelayCredentialsLeft();
    }

    @Test
    void credentialsLeftByAKilledRunAreSweptAndNothingElseIsTouched() {
        String userLine = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMWiBhB6Xv7m0qj0aC2DT5G0GYkGkqV5y1o9v+2Qo3dE someone@laptop";
        for (TestMachine m : machines.machines()) {
            sh(m, "cp -p /root/.ssh/authorized_keys /root/ak.orig"
                    + " && echo '" + userLine + "' >> /root/.ssh/authorized_keys"
                    + " && echo 'restrict,from=\"10.0.0.1\",command=\"/bin/sh /var/lib/seed-bootstrap/relay/old-1.recv\" "
                    + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOld seed-bootstrap-relay old-1' >> /root/.ssh/authorized_keys"
                    + " && mkdir -p -m 0700 /var/lib/seed-bootstrap/relay"
                    + " && for x in key key.pub known_hosts recv; do echo old > /var/lib/seed-bootstrap/relay/old-1.$x; done");
        }
        relay("run5", Relay.Listener.NONE).sweep(open);

        for (TestMachine m : machines.machines()) {
            assertEquals("", sh(m, "ls -A /var/lib/seed-bootstrap/relay"), m.name());
            String keys = sh(m, "cat /root/.ssh/authorized_keys");
            assertFalse(keys.contains("seed-bootstrap-relay"), m.name() + ": " + keys);
            assertTrue(keys.contains(userLine), m.name() + ": an operator's own key must stay");
            assertEquals(sh(m, "stat -c '%a %U:%G' /root/ak.orig"), sh(m, "stat -c '%a %U:%G' /root/.ssh/authorized_keys"));
            sh(m, "mv /root/ak.orig /root/.ssh/authorized_keys");
        }
    }

    /** A host this run already swept holding its lock (TakeLock) is not swept again; the others are. */
    @Test
    void theRelaySkipsTheSweepOnHostsTheRunAlreadySwept() throws IOException {
        String stale = "restrict,from=\"10.0.0.1\",command=\"/bin/sh /var/lib/seed-bootstrap/relay/old-1.recv\" "
                + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOld seed-bootstrap-relay old-1";
        for (TestMachine m : machines.machines()) {
            sh(m, "cp -p /root/.ssh/authorized_keys /root/ak.orig && echo '" + stale + "' >> /root/.ssh/authorized_keys");
        }
        Path f = file("swept.bin");
        String sha = HashCache.inMemory().sha256(f);
        Relay relay = relay("run6", Relay.Listener.NONE);
        relay.alreadySwept(List.of(machines.get(1).name()));
        relay.distribute(f, sha, SIZE, "/opt/relay/swept.bin", "0644", null, peers());

        assertEveryHostHas("/opt/relay/swept.bin", sha, "644 root:root");
        for (int i = 0; i < machines.machines().size(); i++) {
            TestMachine m = machines.get(i);
            String keys = sh(m, "cat /root/.ssh/authorized_keys");
            assertEquals(i == 1, keys.contains("seed-bootstrap-relay old-1"), m.name() + ": " + keys);
            sh(m, "mv /root/ak.orig /root/.ssh/authorized_keys");
        }
    }

    /** Passes everything to a real host; tests override what they fake. */
    private static class Delegate implements RemoteHost {
        private final RemoteHost h;

        Delegate(RemoteHost h) {
            this.h = h;
        }

        @Override
        public String name() {
            return h.name();
        }

        @Override
        public ExecResult exec(RemoteCommand command) {
            return h.exec(command);
        }

        @Override
        public UploadResult upload(Upload upload) {
            return h.upload(upload);
        }

        @Override
        public Optional<String> hostKey() {
            return h.hostKey();
        }

        @Override
        public void close() {
            h.close();
        }
    }
}
