package io.seedbootstrap.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Entry point of scripts/bench-upload.sh: uploads one file with seed-bootstrap's uploader
 * {@code runs} times in this JVM, each run a new connection (connect, auth, probe, stream,
 * sha256 on the host, rename), after deleting the target so nothing is skipped.
 * Prints one line per run: {@code run N seconds S mbps M}.
 *
 * <pre>java -cp ... io.seedbootstrap.ssh.UploadBench HOST PORT USER KEY KNOWN_HOSTS FILE TARGET RUNS</pre>
 */
public final class UploadBench {
    private UploadBench() {}

    public static void main(String[] args) {
        if (args.length != 8) {
            System.err.println("usage: UploadBench HOST PORT USER KEY KNOWN_HOSTS FILE TARGET RUNS");
            System.exit(2);
        }
        SshTarget target = SshTarget.simple("bench", args[0], Integer.parseInt(args[1]), args[2], Path.of(args[3]),
                Path.of(args[4])).withTimeouts(Duration.ofSeconds(15), Duration.ofMinutes(10));
        Path file = Path.of(args[5]);
        String remote = args[6];
        int runs = Integer.parseInt(args[7]);
        SshOptions options = SshOptions.defaults().withHashCache(HashCache.inMemory());
        for (int run = 1; run <= runs; run++) {
            try (RemoteHost h = RemoteHost.connect(target, options)) {
                h.exec(RemoteCommand.shell("rm -f " + io.seedbootstrap.support.ShellQuote.quote(remote)
                        + " /var/lib/seed-bootstrap/staging/*.part").asRoot());
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
        }
    }
}
