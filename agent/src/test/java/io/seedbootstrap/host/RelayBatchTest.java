package io.seedbootstrap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.ssh.ExecResult;
import io.seedbootstrap.ssh.RemoteCommand;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.Upload;
import io.seedbootstrap.ssh.UploadResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A distribution of several files is one batch: the operator uploads each file once (to the
 * first receiver), and every hop carries all of them with one set of credentials, so the
 * number of hops (and their fixed costs) does not grow with the number of files. Fake hosts
 * record the commands; the real hop is RelayIT's.
 */
class RelayBatchTest {
    private static final Pattern MARKER = Pattern.compile("-C '(seed-bootstrap-relay [^']+)'");

    /** Answers the relay's commands as a host that has none of the files and where every hop works. */
    private static class Fake implements RemoteHost { // identity equality: peers are map keys
        private final String name;
        private final String ip;
        private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        private final List<String> uploads = Collections.synchronizedList(new ArrayList<>());

        Fake(String name, String ip) {
            this.name = name;
            this.ip = ip;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ExecResult exec(RemoteCommand command) {
            commands.add(command.display());
            String out = "";
            Matcher m = MARKER.matcher(command.script());
            if (command.display().contains("key pair and known_hosts") && m.find()) {
                out = "pub ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake " + m.group(1) + "\nsrc " + ip + "\n";
            }
            return new ExecResult(name, command.display(), 0, out, "", Duration.ZERO);
        }

        @Override
        public UploadResult upload(Upload upload) {
            uploads.add(upload.target());
            return new UploadResult(name, upload.target(), upload.expectedSha256(), upload.expectedSize(),
                    UploadResult.Status.SENT, upload.expectedSize(), 1, Duration.ZERO);
        }

        @Override
        public Optional<String> hostKey() {
            return Optional.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHost");
        }

        @Override
        public void close() {}

        long count(String displayPart) {
            synchronized (commands) {
                return commands.stream().filter(c -> c.contains(displayPart)).count();
            }
        }
    }

    @Test
    void aFailedUploadOfTheBatchReachesTheCallerAsItself() {
        io.seedbootstrap.ssh.SshFailure refused = new io.seedbootstrap.ssh.SshFailure(io.seedbootstrap.ssh.SshFailure.Kind.SOURCE_CHANGED,
                "h1: refusing /bundle/b: it changed after it was verified");
        Fake h1 = new Fake("h1", "10.0.0.1") {
            @Override
            public UploadResult upload(Upload upload) {
                if (upload.target().endsWith("/b")) {
                    throw refused;
                }
                return super.upload(upload);
            }
        };
        Fake h2 = new Fake("h2", "10.0.0.2");
        Relay relay = new Relay("run2", new Hosts(Hosts.Limits.defaults()), Relay.Listener.NONE, Duration.ofMinutes(1));

        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> relay.distribute(List.of(item("a", 10), item("b", 10), item("c", 10)), List.of(new Relay.Peer(h1, "10.0.0.1", 22),
                        new Relay.Peer(h2, "10.0.0.2", 22))));

        assertEquals(refused, e, "the caller sees the upload's own failure (its kind), not a summary");
        assertEquals(0, h1.count("key pair") + h2.count("allow"), "no hop starts");
    }

    private static Relay.Item item(String name, long size) {
        return new Relay.Item(Path.of("/bundle/" + name), "ab".repeat(32), size, "/opt/x/" + name, "0644", null);
    }

    @Test
    void fiveFilesToFiveHostsTakeOneUploadEachAndOneHopPerReceiverNotPerFile() {
        List<Fake> fakes = new ArrayList<>();
        List<Relay.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Fake f = new Fake("h" + i, "10.0.0." + i);
            fakes.add(f);
            peers.add(new Relay.Peer(f, f.ip, 22));
        }
        List<Relay.Item> items = List.of(item("install.sh", 25_000), item("rke2.tar.gz", 50_000), item("sha256sum.txt", 700),
                item("canal.tar.zst", 330), item("core.tar.zst", 33_000_000));
        List<String> hops = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = Collections.synchronizedList(new ArrayList<>());

        Relay.Result r = new Relay("run1", new Hosts(Hosts.Limits.defaults()), new Relay.Listener() {
            @Override
            public void hopStarting(String from, String to, String what) {
                hops.add(from + "->" + to + " " + what);
            }

            @Override
            public void hopFinished(String from, String to, String what, boolean ok, String detail) {
                if (!ok) {
                    failed.add(from + "->" + to + ": " + detail);
                }
            }
        }, Duration.ofMinutes(1)).distribute(items, peers);

        assertEquals(List.of(), failed);
        assertEquals(List.of(), r.resent(), r.toString());
        // the operator: every file once, to the first receiver only
        assertEquals(items.stream().map(Relay.Item::target).sorted().toList(), fakes.get(0).uploads.stream().sorted().toList());
        fakes.subList(1, 5).forEach(f -> assertEquals(List.of(), f.uploads, f.name()));
        assertEquals(items.stream().mapToLong(Relay.Item::size).sum(), r.operatorBytes());
        assertEquals(1.0, r.operatorSends());
        // 4 receivers served by hosts in ceil(log2 5) = 3 rounds: 4 hops, each with all 5 files
        assertEquals(3, r.rounds());
        assertEquals(4, hops.size(), hops.toString());
        hops.forEach(h -> assertTrue(h.endsWith(" 5 files"), h));
        assertEquals(Map.of("h1", Relay.Source.OPERATOR, "h2", Relay.Source.HOST, "h3", Relay.Source.HOST,
                "h4", Relay.Source.HOST, "h5", Relay.Source.HOST), r.sources());
        // one ssh stream per hop carrying the files back to back, one check for all of them on the receiver
        long sends = fakes.stream().mapToLong(f -> f.count(": send 5 files to ")).sum();
        assertEquals(4, sends);
        for (Fake f : fakes.subList(1, 5)) {
            assertEquals(1, f.count("verify sha256, chmod and mv into place: 5 staged file(s)"), f.name() + " " + f.commands);
            assertEquals(1, f.count("sha256 of 5 file(s) that have their size"), f.name());
        }
        // every hop's credentials removed on both sides: 4 hops x 2
        assertEquals(8, fakes.stream().mapToLong(f -> f.count("remove its temporary credentials")).sum());
    }
}
