package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private final AtomicLong now = new AtomicLong();
    private final StringWriter out = new StringWriter();

    private UploadResult done() {
        return new UploadResult("vm1", "/f", "ab".repeat(32), 100_000_000, UploadResult.Status.SENT, 100_000_000, 1,
                Duration.ofSeconds(2));
    }

    @Test
    void withoutATerminalItPrintsALineAtMostEveryInterval() {
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), false, Duration.ofSeconds(10), now::get);
        p.started("vm1", "/f", 100_000_000, 0);
        now.set(1_000_000_000L);
        p.progress("vm1", "/f", 10_000_000, 100_000_000); // too soon: no line
        now.set(11_000_000_000L);
        p.progress("vm1", "/f", 55_000_000, 100_000_000);
        p.finished(done());
        assertEquals(String.join("\n",
                "vm1: uploading /f (100.0 MB)",
                "vm1: /f 55% 55.0 MB of 100.0 MB 5 MB/s",
                "vm1: /f sent (100.0 MB, sha256 abababababab…, 2.0 s)", ""), out.toString());
    }

    @Test
    void onATerminalItRedrawsOneLineWithABar() {
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(out), true, Duration.ofSeconds(10), now::get);
        p.started("vm1", "/f", 100, 0);
        now.set(1_000_000_000L);
        p.progress("vm1", "/f", 50, 100);
        assertTrue(out.toString().endsWith("\r\033[Kvm1 [##########          ] 50% 0 MB/s  "), out.toString());
    }
}
