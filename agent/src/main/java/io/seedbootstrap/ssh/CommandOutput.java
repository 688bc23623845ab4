package io.seedbootstrap.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** How both transports read a command's output: kept up to a cap, or streamed to a download's sink. */
final class CommandOutput {
    /** What a command's stdout may keep in memory; the rest is read and dropped so the command never blocks. */
    static final int STDOUT_CAP = 64 << 20;

    private CommandOutput() {}

    /** A download's stdout: streamed to the sink in 64 KiB pieces, nothing kept. */
    static byte[] copy(InputStream in, OutputStream sink) throws IOException {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
            sink.write(buf, 0, n);
        }
        sink.flush();
        return new byte[0];
    }

    /**
     * Everything the stream gives, kept up to {@link #STDOUT_CAP}. An 8 KiB buffer: most commands
     * print a few lines, and a 64 KiB one per command was the largest allocation of an install at
     * 20 hosts (~500 commands; issue 22, P8).
     */
    static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() < STDOUT_CAP) {
                out.write(buf, 0, Math.min(n, STDOUT_CAP - out.size()));
            }
        }
        return out.toByteArray();
    }

    /**
     * A command's stdout: drained when there is no sink, else streamed to it; when the sink refuses
     * data, {@code stop} ends the command now instead of at its timeout.
     */
    static byte[] read(InputStream in, OutputStream sink, Runnable stop) throws IOException {
        if (sink == null) {
            return drain(in);
        }
        try {
            return copy(in, sink);
        } catch (IOException | RuntimeException e) {
            stop.run();
            throw e;
        }
    }
}
