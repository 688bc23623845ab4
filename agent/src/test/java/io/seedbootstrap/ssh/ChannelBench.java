package io.seedbootstrap.ssh;

import com.sun.management.ThreadMXBean;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Entry point of scripts/bench-channel.sh: what one command channel costs this JVM (bytes allocated,
 * time) and how fast a download streams, over one connection. Only public API
 * ({@link RemoteHost#connect}, {@code exec}, {@code download}), so the script runs it against any
 * seed-bootstrap.jar (its {@code --compare}). Prints one line:
 * {@code kib_per_command K ms_per_command M download_mbps D}.
 *
 * <pre>java -cp ... io.seedbootstrap.ssh.ChannelBench HOST PORT USER KEY KNOWN_HOSTS COMMANDS DOWNLOAD_MB</pre>
 */
public final class ChannelBench {
    private ChannelBench() {}

    public static void main(String[] args) {
        if (args.length != 7) {
            System.err.println("usage: ChannelBench HOST PORT USER KEY KNOWN_HOSTS COMMANDS DOWNLOAD_MB");
            System.exit(2);
        }
        SshTarget target = SshTarget.simple("bench", args[0], Integer.parseInt(args[1]), args[2], Path.of(args[3]), Path.of(args[4]));
        int commands = Integer.parseInt(args[5]);
        long downloadBytes = Long.parseLong(args[6]) * 1_000_000L;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (RemoteHost host = RemoteHost.connect(target, SshOptions.defaults())) {
            for (int i = 0; i < 50; i++) { // class loading, JIT, the channel pumps' threads
                host.exec(RemoteCommand.of("true"));
            }
            long allocated = allocated(threads);
            long t0 = System.nanoTime();
            for (int i = 0; i < commands; i++) {
                host.exec(RemoteCommand.of("true"));
            }
            double msPerCommand = (System.nanoTime() - t0) / 1e6 / commands;
            double kibPerCommand = (allocated(threads) - allocated) / 1024.0 / commands;
            double best = 0;
            for (int i = 0; i < 3; i++) {
                long d0 = System.nanoTime();
                host.download(RemoteCommand.shell("head -c " + downloadBytes + " /dev/zero"), OutputStream.nullOutputStream());
                best = Math.max(best, downloadBytes / 1e6 / ((System.nanoTime() - d0) / 1e9));
            }
            System.out.printf(Locale.ROOT, "kib_per_command %.1f ms_per_command %.2f download_mbps %.0f%n", kibPerCommand, msPerCommand, best);
        }
    }

    /** Bytes allocated so far by this JVM's live threads (the pools keep theirs between commands). */
    private static long allocated(ThreadMXBean threads) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            sum += Math.max(0, threads.getThreadAllocatedBytes(id));
        }
        return sum;
    }
}
