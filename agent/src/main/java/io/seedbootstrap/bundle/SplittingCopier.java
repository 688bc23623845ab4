package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.manifest.ManifestFile;
import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies one file into a bundle in a single streamed pass, hashing as it goes: as one file when
 * it fits the split size, else as NAME.part000, NAME.part001, ... each at most the split size.
 * Reads the source through a mapping (no heap buffer); while the calling thread hashes a window
 * of it, the copier's own writer thread writes that same window, so the disk and the CPU work
 * at the same time. One copier per copying thread; close it to stop its writer.
 */
final class SplittingCopier implements AutoCloseable {
    static final int MAX_PARTS = 1000;

    private final long splitSize;
    private final long chunkSize;
    private final Progress progress;
    private final ExecutorService writer = daemon("-writer");
    /** Hashes a piece's chunks beside the whole-file hash, so a spare core absorbs the extra pass. */
    private final ExecutorService chunkHasher = daemon("-chunks");

    /** @param chunkSize a piece larger than this gets the sha256 of each chunk (a multiple of 1 MiB), 0 for none */
    SplittingCopier(long splitSize, long chunkSize, Progress progress) {
        if (chunkSize < 0 || chunkSize % PAGE != 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize);
        }
        this.splitSize = splitSize;
        this.chunkSize = chunkSize;
        this.progress = progress;
    }

    private static ExecutorService daemon(String suffix) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, Thread.currentThread().getName() + suffix);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void close() {
        writer.shutdownNow();
        chunkHasher.shutdownNow();
    }

    /** {@code chunks}: of the file when it is not split (split files carry them per part). */
    record Copied(long size, String sha256, List<ManifestFile.FilePart> parts, List<String> chunks) {}

    Copied copy(Path source, Path bundleRoot, String bundlePath) throws IOException {
        long expected = Files.size(source);
        long partCount = expected <= splitSize ? 1 : (expected + splitSize - 1) / splitSize;
        if (partCount > MAX_PARTS) {
            throw new IOException(bundlePath + " (" + expected + " bytes) would need " + partCount + " parts of " + splitSize
                    + " bytes, more than " + MAX_PARTS + "; use a larger --split-size");
        }
        Files.createDirectories(bundleRoot.resolve(bundlePath).getParent());
        MessageDigest whole = Sha256.digest();
        List<ManifestFile.FilePart> parts = new ArrayList<>();
        List<String> chunks = new ArrayList<>();
        long total;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            total = copyPieces(in, source, bundleRoot, bundlePath, partCount, whole, parts, chunks);
        } catch (InternalError e) {
            // what reading a mapping past a file's new end throws (MappedByteBuffer: "unspecified exception")
            throw shrank(source, e);
        }
        if (total != expected) {
            throw new IOException(source + " changed while it was copied (" + expected + " bytes before, " + total + " read)");
        }
        return new Copied(total, Sha256.hex(whole), List.copyOf(parts), List.copyOf(chunks));
    }

    private static IOException shrank(Path source, Throwable cause) {
        return new IOException(source + " shrank while it was copied; the mirror must not change during bundle create", cause);
    }

    private long copyPieces(FileChannel in, Path source, Path bundleRoot, String bundlePath, long partCount, MessageDigest whole,
            List<ManifestFile.FilePart> parts, List<String> chunks) throws IOException {
        long total = 0;
        if (partCount == 1) {
            return copyPiece(in, source, bundleRoot.resolve(bundlePath), Long.MAX_VALUE, whole, null, chunks);
        }
        for (int index = 0; ; index++) {
            String partPath = ManifestFile.partPath(bundlePath, index);
            MessageDigest partDigest = Sha256.digest();
            List<String> partChunks = new ArrayList<>();
            long n = copyPiece(in, source, bundleRoot.resolve(partPath), splitSize, whole, partDigest, partChunks);
            if (n == 0 && index > 0) {
                Files.delete(bundleRoot.resolve(partPath));
                return total;
            }
            parts.add(new ManifestFile.FilePart(partPath, n, Sha256.hex(partDigest), partChunks));
            total += n;
            if (n < splitSize || index + 1 > MAX_PARTS) {
                return total;
            }
        }
    }

    /** Window of the source mapped at a time for hashing (address space, not memory: pages come from the page cache). */
    private static final long WINDOW = 64L << 20;

    /**
     * Copies up to {@code limit} bytes from the source's current position to a new file; returns
     * how many. The bytes are hashed from a read-only mapping of the source, and that same mapping
     * is written to the new file with direct I/O (O_DIRECT) where the file system allows it: the
     * disk reads the source's cached pages itself, so no CPU copies the data and no dirty page
     * cache is left for a long `sync` (or an unmount of the stick) to write later. Elsewhere the
     * kernel copies the bytes (FileChannel.transferTo). P5 (scripts/bench-create.sh, cp + sync
     * as the baseline, 2 cores): 0.27x with a Java buffer, 0.36x with transferTo, 0.77-0.88x with
     * direct I/O overlapped with hashing. The mirror must not change while it is read: the size
     * checks here and `bundle verify` catch a source that did.
     */
    private long copyPiece(FileChannel in, Path source, Path target, long limit, MessageDigest whole, MessageDigest piece,
            List<String> chunks) throws IOException {
        long start = in.position();
        long length = Math.min(limit, Math.max(0, in.size() - start));
        // chunk hashes only for a piece larger than one chunk (ManifestFile.chunkCount); windows end on chunk boundaries
        long chunk = ManifestFile.chunkCount(length, chunkSize) > 0 ? chunkSize : 0;
        MessageDigest chunkDigest = chunk > 0 ? Sha256.digest() : null;
        List<Future<String>> chunkHashes = new ArrayList<>();
        DirectTarget direct = start % PAGE == 0 && length >= DIRECT_MIN ? DirectTarget.open(target) : null;
        try (FileChannel out = direct != null ? direct.channel : FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                long n = chunk > 0 ? Math.min(Math.min(WINDOW, length - done), chunk - done % chunk) : Math.min(WINDOW, length - done);
                if (in.size() < start + done + n) {
                    throw shrank(source, null);
                }
                MappedByteBuffer window = in.map(FileChannel.MapMode.READ_ONLY, start + done, n);
                long at = done;
                Future<?> written = writer.submit(() -> {
                    if (direct != null) {
                        direct.write(window.duplicate(), at);
                    } else {
                        transfer(in, start + at, n, out, target);
                    }
                    return null;
                });
                boolean chunkEnds = chunk > 0 && ((done + n) % chunk == 0 || done + n == length);
                Future<String> chunked = null;
                if (chunk > 0) {
                    MessageDigest d = chunkDigest;
                    chunked = chunkHasher.submit(() -> {
                        d.update(window.duplicate());
                        return chunkEnds ? Sha256.hex(d) : null;
                    });
                }
                try {
                    whole.update(window.duplicate());
                    if (piece != null) {
                        piece.update(window.duplicate());
                    }
                } finally {
                    await(written, target);
                    if (chunked != null) {
                        await(chunked, target);
                    }
                }
                if (chunkEnds) {
                    chunkHashes.add(chunked);
                    chunkDigest = Sha256.digest();
                }
                done += n;
                progress.advance(n);
            }
            in.position(start + done);
            if (out.size() != done) {
                throw new IOException(target + ": wrote " + out.size() + " bytes, expected " + done);
            }
            for (Future<String> h : chunkHashes) {
                chunks.add(done(h)); // each was awaited above
            }
            return done;
        }
    }

    private static String done(Future<String> finished) {
        try {
            return finished.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("a finished chunk hash failed", e);
        }
    }

    /** Waits for a window's write; its failure (or an interrupt) becomes this copy's IOException. */
    private static void await(Future<?> written, Path target) throws IOException {
        try {
            written.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(target + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            written.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException(target + ": interrupted while writing", e);
        }
    }

    private static void transfer(FileChannel in, long position, long count, FileChannel out, Path target) throws IOException {
        long copied = 0;
        while (copied < count) {
            long t = in.transferTo(position + copied, count - copied, out);
            if (t <= 0) {
                throw new IOException(target + ": the source ended while it was copied");
            }
            copied += t;
        }
    }

    /** Smaller pieces are written through the page cache: direct I/O saves nothing worth an extra open on them. */
    private static final long DIRECT_MIN = 1L << 20;

    /** Page size: a mapping of the source is page-aligned in memory only when its file offset is. */
    private static final long PAGE = 4096;

    /**
     * A new file written with O_DIRECT, whose writes must start at a multiple of the file
     * system's block size and span whole blocks; the last partial block of a file goes through
     * an ordinary (buffered) channel instead.
     */
    private static final class DirectTarget {
        final FileChannel channel;
        final Path path;
        final long block;

        private DirectTarget(FileChannel channel, Path path, long block) {
            this.channel = channel;
            this.path = path;
            this.block = block;
        }

        /** Null when the file system refuses direct I/O (some FUSE, network or overlay mounts) or has blocks larger than a page. */
        static DirectTarget open(Path target) throws IOException {
            long block = Files.getFileStore(target.getParent()).getBlockSize();
            if (block <= 0 || block > PAGE || PAGE % block != 0) {
                return null;
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                Files.deleteIfExists(target); // Linux creates the file before it refuses O_DIRECT; the buffered path creates it again
                return null;
            }
            return new DirectTarget(channel, target, block);
        }

        /** Writes all of {@code window} at file offset {@code at} (a multiple of the block size). */
        void write(ByteBuffer window, long at) throws IOException {
            int whole = (int) (window.remaining() - window.remaining() % block);
            ByteBuffer body = window.duplicate().limit(window.position() + whole);
            while (body.hasRemaining()) {
                channel.write(body, at + body.position() - window.position());
            }
            if (whole < window.remaining()) {
                ByteBuffer tail = window.duplicate().position(window.position() + whole);
                try (FileChannel buffered = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    while (tail.hasRemaining()) {
                        buffered.write(tail, at + tail.position() - window.position());
                    }
                }
            }
        }
    }
}
