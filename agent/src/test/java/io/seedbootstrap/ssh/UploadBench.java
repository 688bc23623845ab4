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
        // -Dbench.expect=SHA256: the upload carries the content's sha256 and size, as every upload of a
        // bundle file does (its signed manifest entry): what install pays
        String expect = System.getProperty("bench.expect");
        if (args[7].equals("serve")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int run = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("raw")) {
                    raw(++run, target, options, file, remote);
                } else {
                    once(++run, target, options, file, remote, expect);
                }
            }
        } else {
            for (int run = 1; run <= Integer.parseInt(args[7]); run++) {
                once(run, target, options, file, remote, expect);
            }
        }
    }

    /** Our transport alone: the file streamed into {@code cat > remote} in 1 MiB writes, nothing hashed. */
    private static void raw(int run, SshTarget target, SshOptions options, Path file, String remote) throws IOException {
        long t0 = System.nanoTime();
        try (RemoteHost h = RemoteHost.connect(target, options)) {
            h.exec(RemoteCommand.shell("cat > " + ShellQuote.quote(remote)).timeout(Duration.ofMinutes(10)).stdin(out -> {
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                    byte[] buf = new byte[1 << 20];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                    }
                }
            }));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.println(String.format(Locale.ROOT, "run %d seconds %.3f mbps %.1f sha256 -", run, s,
                java.nio.file.Files.size(file) / s / 1e6));
        System.out.flush();
    }

    private static void once(int run, SshTarget target, SshOptions options, Path file, String remote, String expect)
            throws IOException {
        // -Dbench.noClean: the caller removed the target (so a cold JVM's figure is only the upload)
        if (!Boolean.getBoolean("bench.noClean")) {
            try (RemoteHost h = RemoteHost.connect(target, options)) {
                h.exec(RemoteCommand.shell("rm -f " + ShellQuote.quote(remote) + " /var/lib/seed-bootstrap/staging/*.part").asRoot());
            }
        }
        long t0 = System.nanoTime();
        UploadResult r;
        try (RemoteHost h = RemoteHost.connect(target, options)) {
            Upload u = Upload.of(file, remote);
            r = h.upload(expect == null ? u : u.expecting(expect, java.nio.file.Files.size(file)));
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
