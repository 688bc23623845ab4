package io.seedbootstrap.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a command's stderr to the end and, while sudo may still be talking, watches it for our
 * random prompt marker (sudo asks for the password) and ready marker (sudo let the command start).
 * Both markers are removed from the text the caller sees. Without markers it is a plain drain.
 */
final class StderrWatcher implements Runnable {
    enum Event { PROMPT, READY, EOF }

    private final InputStream in;
    private final String prompt;
    private final String ready;
    private final int cap;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    // ISO-8859-1 keeps one char per byte, so markers (ASCII) are found without decoding issues
    private final StringBuilder text = new StringBuilder();
    private boolean scanning;
    private int scanFrom;
    private volatile boolean truncated;

    StderrWatcher(InputStream in, String prompt, String ready, int cap) {
        this.in = in;
        this.prompt = prompt;
        this.ready = ready;
        this.cap = cap;
        this.scanning = prompt != null;
    }

    @Override
    public void run() {
        // stderr is a few lines at most (kept up to the cap anyway): a small buffer per command
        byte[] buf = new byte[2048];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (this) {
                    text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (scanning) {
                        scan();
                    }
                    if (!scanning && text.length() > cap) {
                        text.delete(0, text.length() - cap);
                        truncated = true;
                    }
                }
            }
        } catch (IOException e) {
            // the channel broke; the caller learns why from the connection
        } finally {
            events.add(Event.EOF);
        }
    }

    private void scan() {
        while (true) {
            int p = text.indexOf(prompt, scanFrom);
            int r = text.indexOf(ready + "\n", scanFrom);
            if (p < 0 && r < 0) {
                // keep the tail that may be the start of a marker
                scanFrom = Math.max(scanFrom, text.length() - Math.max(prompt.length(), ready.length() + 1));
                return;
            }
            if (r >= 0 && (p < 0 || r < p)) {
                text.delete(r, r + ready.length() + 1);
                scanning = false;
                events.add(Event.READY);
                return;
            }
            text.delete(p, p + prompt.length());
            scanFrom = p;
            events.add(Event.PROMPT);
        }
    }

    /** The next marker event, or null when none came before the deadline (System.nanoTime()). */
    Event next(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        return events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    synchronized String text() {
        String s = new String(text.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return truncated ? "[... earlier stderr dropped ...]\n" + s : s;
    }
}
