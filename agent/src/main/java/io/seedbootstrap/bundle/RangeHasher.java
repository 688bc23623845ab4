package io.seedbootstrap.bundle;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes byte ranges of a bundle's files on a fixed number of threads, starting before the
 * manifest is trusted: bundle verify lists the directory, {@link #guess guesses} each file's
 * ranges (the chunks bundle create makes) and the cores hash them while the caller's thread checks
 * the signature and parses the manifest, which at start-up is most of a second of one core (P4,
 * scripts/bench-verify.sh). A guess is only a digest computed early: nothing is believed until the
 * caller compares it with the signed manifest's, a guess the manifest does not {@link #want} is
 * dropped unread if it has not started (its work wasted, never reported), and {@link #close} stops
 * everything when the signature is refused. Only regular files found in the bundle directory are
 * opened, never a path the manifest names that is not there.
 */
final class RangeHasher implements AutoCloseable {
    /**
     * Bytes read at a time per thread. 64 KiB: on 2026-12-06's machine (AMD EPYC, 512 KiB L2 per core) reads of 128 KiB
     * or more took 4x the kernel time of 64 KiB ones (1.7-2.1 s against 0.35-0.45 s for 4 GiB; 32 KiB no better), and on
     * the machine of 2026-12-03 64 KiB was as fast as the 256 KiB used before (docs/ssh.md "Bundle verify").
     */
    static final int READ_SIZE = 64 << 10;

    /** {@code length} bytes of the bundle file {@code path} from {@code offset}. */
    record Range(String path, long offset, long length) {}

    /**
     * What reading a range gave: its sha256 and the bytes read (less than the length when the file
     * shrank meanwhile), the file's size when the reading ended (to notice a file that grew), or
     * why it could not be read ({@code error} set, the rest meaningless).
     */
    record Digest(String sha256, long bytesRead, long sizeAfter, String error) {}

    private final Path root;
    private final ExecutorService pool;
    /** Only the caller's thread touches these. */
    private final Map<Range, Future<Digest>> queued = new HashMap<>();
    private final Set<Range> wanted = new HashSet<>();
    private final AtomicLong rangesRead = new AtomicLong();

    /** @param root the bundle's real directory, against which every range's path is resolved */
    RangeHasher(Path root, int threads) {
        this.root = root;
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "bundle-verify-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The ranges bundle create would hash for a file of {@code size} bytes with chunks of
     * {@code chunkBytes}: one per chunk of a file larger than a chunk, else the whole file
     * ({@link io.seedbootstrap.bundle.manifest.ManifestFile#chunkCount}).
     */
    static List<Range> chunksOf(String path, long size, long chunkBytes) {
        long chunks = io.seedbootstrap.bundle.manifest.ManifestFile.chunkCount(size, chunkBytes);
        if (chunks == 0) {
            return List.of(new Range(path, 0, size));
        }
        List<Range> ranges = new ArrayList<>();
        for (long offset = 0; offset < size; offset += chunkBytes) {
            ranges.add(new Range(path, offset, Math.min(chunkBytes, size - offset)));
        }
        return ranges;
    }

    /** Starts hashing {@code ranges}, largest first (so the cores finish together), before anyone wants them. */
    void guess(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::length).reversed());
        sorted.forEach(this::queue);
    }

    /** The digest of {@code range}: a guess's if one was made, else queued now behind what is queued. */
    Future<Digest> want(Range range) {
        wanted.add(range);
        return queue(range);
    }

    /** Drops the guesses nobody wants that have not started: the manifest chunks differently or lists no such file. */
    void dropUnwanted() {
        queued.forEach((range, digest) -> {
            if (!wanted.contains(range)) {
                digest.cancel(false);
            }
        });
    }

    /** Waits for a wanted digest; the caller's interrupt ends the verification (exit 130). */
    static Digest await(Future<Digest> digest) {
        try {
            return digest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeedException(ExitCode.INTERRUPTED, "bundle verification interrupted");
        } catch (ExecutionException e) {
            throw SeedException.failed("bundle verification failed: " + e.getCause(), e.getCause());
        }
    }

    /** How many ranges were read so far, each once however often it was guessed and wanted. */
    long rangesRead() {
        return rangesRead.get();
    }

    /** Stops every thread, reading or not (their digests are no longer wanted). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private Future<Digest> queue(Range range) {
        Future<Digest> digest = queued.get(range);
        if (digest == null || digest.isCancelled()) { // a dropped guess is read after all if it is wanted later
            digest = pool.submit(() -> hash(range));
            queued.put(range, digest);
        }
        return digest;
    }

    // one buffer per pool thread. Direct: the channel reads straight into it (a heap buffer is filled through a
    // temporary direct one, a second copy); small: it stays in the core's cache between the kernel's copy and the
    // hash. The digest takes it in 4 KiB slices (MessageDigestSpi), whose many calls get the SHA-256 intrinsic
    // compiled early
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_SIZE));

    private Digest hash(Range range) {
        rangesRead.incrementAndGet();
        ByteBuffer buffer = buffers.get();
        MessageDigest digest = Sha256.digest();
        long n = 0;
        try (FileChannel channel = FileChannel.open(root.resolve(range.path()), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            int r;
            while (n < range.length() && (r = channel.read(buffer.clear().limit((int) Math.min(buffer.capacity(), range.length() - n)),
                    range.offset() + n)) >= 0) {
                digest.update(buffer.flip());
                n += r;
            }
            return new Digest(Sha256.hex(digest), n, channel.size(), null);
        } catch (IOException e) {
            return new Digest(null, n, -1, e.getMessage());
        }
    }
}
