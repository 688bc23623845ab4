package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrWatcherTest {

    /** Hands out its bytes a few at a time, so markers arrive split across reads. */
    private static InputStream trickle(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    private static StderrWatcher run(String stderr, String prompt, String ready) {
        StderrWatcher w = new StderrWatcher(trickle(stderr), prompt, ready, 1 << 20);
        w.run();
        return w;
    }

    @Test
    void promptsAndReadyAreSeenInOrderAndStripped() throws InterruptedException {
        StderrWatcher w = run("lecture\n[P]Sorry, try again.\n[P]R1\nreal stderr ünï\n", "[P]", "R1");
        long deadline = System.nanoTime() + 1_000_000_000L;
        assertEquals(StderrWatcher.Event.PROMPT, w.next(deadline));
        assertEquals(StderrWatcher.Event.PROMPT, w.next(deadline));
        assertEquals(StderrWatcher.Event.READY, w.next(deadline));
        assertEquals(StderrWatcher.Event.EOF, w.next(deadline));
        assertEquals("lecture\nSorry, try again.\nreal stderr ünï\n", w.text());
    }

    @Test
    void afterReadyMarkersAreTheCommandsOwnText() throws InterruptedException {
        StderrWatcher w = run("[P]R1\nthe command printed [P] and R1\n", "[P]", "R1");
        long deadline = System.nanoTime() + 1_000_000_000L;
        assertEquals(StderrWatcher.Event.PROMPT, w.next(deadline));
        assertEquals(StderrWatcher.Event.READY, w.next(deadline));
        assertEquals(StderrWatcher.Event.EOF, w.next(deadline));
        assertEquals("the command printed [P] and R1\n", w.text());
    }

    @Test
    void withoutMarkersItOnlyDrainsAndKeepsTheTail() {
        StderrWatcher w = new StderrWatcher(trickle("0123456789"), null, null, 4);
        w.run();
        assertEquals("[... earlier stderr dropped ...]\n6789", w.text());
    }
}
