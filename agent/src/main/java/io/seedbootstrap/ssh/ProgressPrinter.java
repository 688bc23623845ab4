package io.seedbootstrap.ssh;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows upload progress on stderr: on a terminal one line redrawn in place with a bar per
 * active transfer; otherwise (CI, a log file) a plain line per transfer at most every
 * {@code interval}, plus one when it ends.
 */
public final class ProgressPrinter implements TransferListener {
    private static final int BAR = 20;

    private record Active(String host, String target, long size, long offset, long startNanos, long done, long lastLine) {}

    private final PrintWriter err;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<String, Active> active = new LinkedHashMap<>();

    public ProgressPrinter(PrintWriter err, boolean terminal, Duration interval) {
        this(err, terminal, interval, System::nanoTime);
    }

    ProgressPrinter(PrintWriter err, boolean terminal, Duration interval, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    /** Bars when stderr is a terminal (System.console() is set), lines every 10 s otherwise. */
    public static ProgressPrinter forStderr(PrintWriter err) {
        return new ProgressPrinter(err, System.console() != null, Duration.ofSeconds(10));
    }

    @Override
    public synchronized void started(String host, String target, long size, long offset) {
        long now = clock.getAsLong();
        active.put(host + " " + target, new Active(host, target, size, offset, now, offset, now));
        if (!terminal) {
            err.println(host + ": uploading " + target + " (" + mb(size) + (offset > 0 ? ", resuming at " + mb(offset) : "") + ")");
            err.flush();
        }
    }

    @Override
    public synchronized void progress(String host, String target, long done, long size) {
        String key = host + " " + target;
        Active a = active.get(key);
        if (a == null) {
            return;
        }
        long now = clock.getAsLong();
        boolean line = !terminal && now - a.lastLine() >= intervalNanos;
        a = new Active(a.host(), a.target(), a.size(), a.offset(), a.startNanos(), done, line ? now : a.lastLine());
        active.put(key, a);
        if (terminal) {
            redraw();
        } else if (line) {
            err.println(host + ": " + target + " " + percent(a) + " " + mb(done) + " of " + mb(size) + " " + rate(a, now));
            err.flush();
        }
    }

    @Override
    public synchronized void finished(UploadResult r) {
        active.remove(r.host() + " " + r.target());
        if (terminal) {
            err.print("\r\033[K");
        }
        String what = switch (r.status()) {
            case SKIPPED -> "already there, not sent";
            case SENT -> "sent";
            case RESUMED -> "resumed and sent";
        };
        err.println(r.host() + ": " + r.target() + " " + what + " (" + mb(r.size()) + ", sha256 "
                + r.sha256().substring(0, 12) + "…, " + String.format(Locale.ROOT, "%.1f s", r.duration().toMillis() / 1000.0) + ")");
        if (terminal) {
            redraw();
        }
        err.flush();
    }

    private void redraw() {
        StringBuilder sb = new StringBuilder("\r\033[K");
        long now = clock.getAsLong();
        for (Active a : active.values()) {
            int filled = a.size() == 0 ? BAR : (int) (BAR * a.done() / a.size());
            sb.append(a.host()).append(" [").append("#".repeat(filled)).append(" ".repeat(BAR - filled)).append("] ")
                    .append(percent(a)).append(' ').append(rate(a, now)).append("  ");
        }
        err.print(sb);
        err.flush();
    }

    private static String percent(Active a) {
        return a.size() == 0 ? "100%" : (100 * a.done() / a.size()) + "%";
    }

    private static String rate(Active a, long now) {
        double s = (now - a.startNanos()) / 1e9;
        return s <= 0 ? "" : String.format(Locale.ROOT, "%.0f MB/s", (a.done() - a.offset()) / s / 1e6);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
