package io.seedbootstrap.bundle;

import io.seedbootstrap.bundle.manifest.ManifestFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one file into a bundle in a single streamed pass, hashing as it goes: as one file when
 * it fits the split size, else as NAME.part000, NAME.part001, ... each at most the split size.
 * Never holds more than one buffer of the file in memory.
 */
final class SplittingCopier {
    static final int MAX_PARTS = 1000;

    private final long splitSize;
    private final Progress progress;

    SplittingCopier(long splitSize, Progress progress) {
        this.splitSize = splitSize;
        this.progress = progress;
    }

    record Copied(long size, String sha256, List<ManifestFile.FilePart> parts) {}

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
        long total = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            if (partCount == 1) {
                total = copyPiece(in, bundleRoot.resolve(bundlePath), Long.MAX_VALUE, whole, null);
            } else {
                for (int index = 0; ; index++) {
                    String partPath = ManifestFile.partPath(bundlePath, index);
                    MessageDigest partDigest = Sha256.digest();
                    long n = copyPiece(in, bundleRoot.resolve(partPath), splitSize, whole, partDigest);
                    if (n == 0 && index > 0) {
                        Files.delete(bundleRoot.resolve(partPath));
                        break;
                    }
                    parts.add(new ManifestFile.FilePart(partPath, n, Sha256.hex(partDigest)));
                    total += n;
                    if (n < splitSize || index + 1 > MAX_PARTS) {
                        break;
                    }
                }
            }
        }
        if (total != expected) {
            throw new IOException(source + " changed while it was copied (" + expected + " bytes before, " + total + " read)");
        }
        return new Copied(total, Sha256.hex(whole), List.copyOf(parts));
    }

    /** Window of the source mapped at a time for hashing (address space, not memory: pages come from the page cache). */
    private static final long WINDOW = 64L << 20;

    /**
     * Copies up to {@code limit} bytes from the source's current position to a new file; returns
     * how many. The bytes are hashed from a read-only mapping of the source and copied by the
     * kernel (FileChannel.transferTo: no pass through a Java buffer), so a copy costs the hash and
     * `cp`'s own work (P5: 0.27x of cp before, 0.36x after, on 2 cores). The mirror must not change
     * while it is read: the size check here and `bundle verify` catch a source that did.
     */
    private long copyPiece(FileChannel in, Path target, long limit, MessageDigest whole, MessageDigest piece) throws IOException {
        long start = in.position();
        long length = Math.min(limit, Math.max(0, in.size() - start));
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                long n = Math.min(WINDOW, length - done);
                java.nio.MappedByteBuffer window = in.map(FileChannel.MapMode.READ_ONLY, start + done, n);
                whole.update(window.duplicate());
                if (piece != null) {
                    piece.update(window.duplicate());
                }
                long copied = 0;
                while (copied < n) {
                    long t = in.transferTo(start + done + copied, n - copied, out);
                    if (t <= 0) {
                        throw new IOException(target + ": the source ended while it was copied");
                    }
                    copied += t;
                }
                done += n;
                progress.advance(n);
            }
            in.position(start + done);
            if (out.size() != done) {
                throw new IOException(target + ": wrote " + out.size() + " bytes, expected " + done);
            }
            return done;
        }
    }
}
