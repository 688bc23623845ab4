package io.seedbootstrap.ssh;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes the installer itself put into SSH channels during a run: command text and everything
 * written to commands' stdin (uploaded files included), on every host connected with the same
 * {@link SshOptions}. SSH framing and encryption overhead are not counted. Lets tests and
 * benchmarks show how much crossed the operator's link (the relay's promise: each file once).
 */
public final class TrafficCounter {
    private final LongAdder sent = new LongAdder();

    void add(long bytes) {
        sent.add(bytes);
    }

    /** Bytes sent so far. */
    public long sent() {
        return sent.sum();
    }

    @Override
    public String toString() {
        return sent() + " bytes sent";
    }
}
