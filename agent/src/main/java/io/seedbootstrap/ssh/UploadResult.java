package io.seedbootstrap.ssh;

import java.time.Duration;

/**
 * What an upload did. {@code bytesSent} counts file bytes put on the wire over every attempt
 * (0 when skipped).
 */
public record UploadResult(String host, String target, String sha256, long size, Status status, long bytesSent,
        int attempts, Duration duration) {

    public enum Status {
        /** The target already had this content: nothing was sent. */
        SKIPPED,
        /** Sent from the start. */
        SENT,
        /** A staged prefix from an earlier attempt was kept; only the rest was sent. */
        RESUMED
    }

    /** Bytes of the file per second over the whole upload (10^6 = 1 MB). */
    public double megabytesPerSecond() {
        double s = duration.toNanos() / 1e9;
        return s <= 0 ? 0 : size / s / 1e6;
    }
}
