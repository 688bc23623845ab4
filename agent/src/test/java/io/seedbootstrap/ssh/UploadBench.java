package io.seedbootstrap.ssh;

import io.seedbootstrap.support.ShellQuote;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Entry point of scripts/bench-upload.sh: uploads one file with seed-bootstrap's uploader, each
 * time on a new connection (connect, auth, probe, stream, sha256 on the host, rename), after
 * deleting the target so nothing is skipped. Prints {@code run N seconds S mbps M sha256 H}.
 *
 * <pre>java -cp ... io.seedbootstrap.ssh.UploadBench HOST PORT USER KEY KNOWN_HOSTS FILE TARGET RUNS|serve</pre>
 *
 * With {@code serve} it uploads once per line read from stdin, so a script can interleave a warm
 * JVM with other tools.
 */
public final class UploadBench {
    private UploadBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 8) {
            System.err.println("usage: UploadBench HOST PORT USER KEY KNOWN_HOSTS FILE TARGET RUNS|serve");
            System.exit(2);
        }
        SshTarget target = SshTarget.simple("bench", args[0], Integer.parseInt(args[1]), args[2], Path.of(args[3]),
                Path.of(args[4])).withTimeouts(Duration.ofSeconds(15), Duration.ofMinutes(10));
        Path file = Path.of(args[5]);
        String remote = args[6];
        // -Dbench.hashCache=FILE: local hashes remembered across JVMs (as ~/.cache does for the CLI)
        String cacheFile = System.getProperty("bench.hashCache");
        SshOptions options = SshOptions.defaults().withHashCache(
                cacheFile != null ? new HashCache(Path.of(cacheFile)) : HashCache.inMemory());
        if (args[7].equals("serve")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int run = 0;
            while (in.readLine() != null) {
                once(++run, target, options, file, remote);
            }
        } else {
            for (int run = 1; run <= Integer.parseInt(args[7]); run++) {
                once(run, target, options, file, remote);
            }
        }
    }

    private static void once(int run, SshTarget target, SshOptions options, Path file, String remote) {
        // -Dbench.noClean: the caller removed the target (so a cold JVM's figure is only the upload)
        if (!Boolean.getBoolean("bench.noClean")) {
            try (RemoteHost h = RemoteHost.connect(target, options)) {
                h.exec(RemoteCommand.shell("rm -f " + ShellQuote.quote(remote) + " /var/lib/seed-bootstrap/staging/*.part").asRoot());
            }
        }
        long t0 = System.nanoTime();
        UploadResult r;
        try (RemoteHost h = RemoteHost.connect(target, options)) {
            r = h.upload(Upload.of(file, remote));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.status() != UploadResult.Status.SENT) {
            throw new IllegalStateException("expected a full send, got " + r.status());
        }
        System.out.println(String.format(Locale.ROOT, "run %d seconds %.3f mbps %.1f sha256 %s", run, s,
                r.size() / s / 1e6, r.sha256()));
        System.out.flush();
    }
}
