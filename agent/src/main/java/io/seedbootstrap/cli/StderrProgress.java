package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.Progress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of copying and hashing on stderr: one line when a phase begins, one every few
 * seconds while it runs, one with the throughput when it ends. Lines, not a redrawn bar, so logs
 * and CI output stay readable.
 */
final class StderrProgress implements Progress {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final AtomicLong done = new AtomicLong();
    private volatile String what = "";
    private volatile long total;
    private volatile long started;
    private long lastPrinted;

    StderrProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void begin(String what, long totalBytes, int files) {
        this.what = what;
        this.total = totalBytes;
        this.done.set(0);
        this.started = System.nanoTime();
        synchronized (this) {
            lastPrinted = started;
            err.println(what + " " + files + (files == 1 ? " file, " : " files, ") + size(totalBytes));
            err.flush();
        }
    }

    @Override
    public void advance(long bytes) {
        long now = System.nanoTime();
        long current = done.addAndGet(bytes);
        if (now - lastPrinted < INTERVAL_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - lastPrinted < INTERVAL_NANOS) {
                return;
            }
            lastPrinted = now;
            int percent = total == 0 ? 100 : (int) (current * 100 / total);
            err.println("  " + percent + "% " + size(current) + " of " + size(total) + ", " + rate(current, now - started));
            err.flush();
        }
    }

    @Override
    public void end() {
        long elapsed = System.nanoTime() - started;
        synchronized (this) {
            err.println(what + ": " + size(done.get()) + " in " + String.format(Locale.ROOT, "%.1f s", elapsed / 1e9) + ", "
                    + rate(done.get(), elapsed));
            err.flush();
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f MB/s", bytes / (nanos / 1e9) / 1e6);
    }
}
