package io.seedbootstrap.host;

import io.seedbootstrap.ssh.HashCache;
import io.seedbootstrap.ssh.RemoteHost;
import io.seedbootstrap.ssh.SshOptions;
import io.seedbootstrap.ssh.SshTarget;
import io.seedbootstrap.ssh.TrafficCounter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of scripts/bench-relay.sh: connects to every host (by IP, port 22, as the peers
 * see each other too), distributes one file with {@link Relay} and prints
 * {@code seconds S operator_bytes B wire_bytes W size Z rounds R resent N}. The time covers the
 * connections, the sweep, the operator's upload, every hop and the clean-up (not JVM start).
 *
 * <pre>java -cp ... io.seedbootstrap.host.RelayBench USER KEY KNOWN_HOSTS FILE TARGET IP...
 * java -Dbench.hashCache=F -cp ... io.seedbootstrap.host.RelayBench prime FILE</pre>
 */
public final class RelayBench {
    private RelayBench() {}

    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 2 && args[0].equals("prime")) { // fill the hash cache, untimed
            new HashCache(Path.of(System.getProperty("bench.hashCache"))).sha256(Path.of(args[1]));
            return;
        }
        if (args.length < 6) {
            System.err.println("usage: RelayBench USER KEY KNOWN_HOSTS FILE TARGET IP...");
            System.exit(2);
        }
        String cacheFile = System.getProperty("bench.hashCache");
        TrafficCounter traffic = new TrafficCounter();
        SshOptions options = SshOptions.defaults().withTraffic(traffic).withHashCache(
                cacheFile != null ? new HashCache(Path.of(cacheFile)) : HashCache.inMemory());
        long t0 = System.nanoTime();
        List<RemoteHost> open = new ArrayList<>();
        try {
            List<Relay.Peer> peers = new ArrayList<>();
            for (int i = 5; i < args.length; i++) {
                SshTarget t = SshTarget.simple("h" + (i - 4), args[i], 22, args[0], Path.of(args[1]), Path.of(args[2]))
                        .withTimeouts(Duration.ofSeconds(15), Duration.ofMinutes(10));
                RemoteHost h = RemoteHost.connect(t, options);
                open.add(h);
                peers.add(new Relay.Peer(h, args[i], 22));
            }
            Relay relay = new Relay("bench" + Long.toHexString(System.nanoTime() & 0xffffff),
                    new Hosts(Hosts.Limits.defaults()), Relay.Listener.NONE, Duration.ofMinutes(2));
            Path file = Path.of(args[3]);
            // as install takes it from the bundle manifest: the expected content, known before sending
            String sha256 = options.hashCache().sha256(file);
            Relay.Result r = relay.distribute(file, sha256, java.nio.file.Files.size(file), args[4], "0644", null, peers);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "seconds %.3f operator_bytes %d wire_bytes %d size %d rounds %d resent %d sha256 %s", s,
                    r.operatorBytes(), traffic.sent(), r.size(), r.rounds(), r.resent().size(), r.items().get(0).sha256()));
        } finally {
            open.forEach(RemoteHost::close);
        }
    }
}
