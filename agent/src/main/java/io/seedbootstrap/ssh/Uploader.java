package io.seedbootstrap.ssh;

import static io.seedbootstrap.support.ShellQuote.quote;

import io.seedbootstrap.support.Retry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams local files into the staging area of a host, verifies them there and renames them
 * into place (see {@link Upload}). Each attempt costs a probe (what is already there) and the
 * transfer (a receiver on the host writing stdin to the staged file and hashing it as it lands);
 * with an expected sha256 the same command then checks it and renames the file into place,
 * without one a third command (finish) does that once the local hash is known. A dropped link
 * is retried on a new connection and resumes from the staged length once the staged prefix is
 * shown to match.
 */
final class Uploader {
    static final String STATE_DIR = StagedFiles.STATE_DIR;
    static final String STAGING = StagedFiles.STAGING;
    private static final Logger log = LoggerFactory.getLogger(Uploader.class);
    private static final int CHUNK = 1 << 20;
    private static final long PROGRESS_EVERY = 4L << 20;
    private static final String HASH_FN = StagedFiles.HASH_FN;

    private final CommandRunner host;
    private final HashCache cache;

    Uploader(CommandRunner host, HashCache cache) {
        this.host = host;
        this.cache = cache != null ? cache : HashCache.inMemory();
    }

    private record Local(Path path, long size, long mtimeNanos) {}

    /** What the host has: target size/mode/owner/sha256 (when the size matches) and the staged copy. */
    private record Probe(long targetSize, String targetMode, String targetOwner, String targetSha,
            long stagedSize, String stagedSha) {}

    /** Uploads from this size on start the AES-GCM warm-up (SshClients.CipherWarmUp): smaller ones end before it pays back. */
    static final long WARM_UP_FROM = 64L << 20;

    /** Where an upload to {@code target} is staged: named by the target, so a retry finds it. */
    static String stagedPath(String target) {
        return StagedFiles.stagedPath(target);
    }

    UploadResult upload(Upload u) {
        long t0 = System.nanoTime();
        Local local = local(u.source());
        if (local.size() >= WARM_UP_FROM) {
            SshClients.warmUpCiphers();
        }
        if (u.expectedSha256() != null && local.size() != u.expectedSize()) {
            throw new SshFailure(SshFailure.Kind.SOURCE_CHANGED, host.name() + ": refusing " + local.path() + " for " + u.target()
                    + ": it changed after it was verified: it has " + local.size() + " bytes, the verified content "
                    + u.expectedSize() + " bytes with sha256 " + u.expectedSha256() + "; nothing was sent");
        }
        String staged = stagedPath(u.target());
        AtomicLong sent = new AtomicLong();
        int[] attempts = {0};
        UploadResult result = Retry.within(u.retryFor())
                .delays(Duration.ofMillis(500), Duration.ofSeconds(5))
                .retryIf(SshFailure::isRetryable)
                .onRetry((n, e, d) -> log.warn("{}: upload of {} interrupted ({}); attempt {} in {} ms",
                        host.name(), u.target(), e.getMessage(), n, d.toMillis()))
                .run(attempt -> {
                    attempts[0] = attempt;
                    if (attempt > 1) {
                        host.reconnect();
                    }
                    return once(u, local, staged, sent, t0, attempt);
                });
        u.listener().finished(result);
        log.info("{}: {} {} ({} bytes, {} sent, {} attempt(s), {} ms)", host.name(), result.status(),
                u.target(), result.size(), result.bytesSent(), attempts[0], result.duration().toMillis());
        return result;
    }

    private UploadResult once(Upload u, Local local, String staged, AtomicLong sent, long t0, int attempt) {
        long tp = System.nanoTime();
        Probe p = probe(u, local, staged);
        log.debug("{}: probe of {} took {} ms", host.name(), u.target(), (System.nanoTime() - tp) / 1_000_000);
        String expected = u.expectedSha256();
        // with an expected sha256 the content is what was verified, never what a cache or the
        // file says now: the bytes are hashed as they are sent
        String fullHash = expected != null ? null : cache.cached(local.path(), local.size(), local.mtimeNanos()).orElse(null);
        if (p.targetSize() == local.size() && p.targetSha() != null) {
            String wanted = expected != null ? expected : (fullHash = localHash(local));
            if (wanted.equals(p.targetSha())) {
                fixMetadata(u, p);
                return result(u, local, wanted, UploadResult.Status.SKIPPED, sent, attempt, t0);
            }
        }

        MessageDigest digest = null;
        long offset = 0;
        UploadResult.Status status = UploadResult.Status.SENT;
        if (p.stagedSize() > 0 && p.stagedSha() != null) {
            MessageDigest prefix = prefixDigest(local, p.stagedSize());
            if (hex(copy(prefix)).equals(p.stagedSha())) {
                offset = p.stagedSize();
                digest = prefix;
                status = UploadResult.Status.RESUMED;
                log.info("{}: resuming {} at byte {} of {}", host.name(), u.target(), offset, local.size());
            } else {
                log.warn("{}: the staged copy of {} ({} bytes) does not match {}; sending it again",
                        host.name(), u.target(), p.stagedSize(), local.path());
            }
        }
        // an empty file is sent too (no bytes): the receiver creates the staged file finish renames
        boolean toSend = offset < local.size() || local.size() == 0;
        if (expected != null) {
            // The content is fixed: the host hashes the bytes as they land (the same bytes we send:
            // the SSH channel is integrity-protected) and finish checks them against the expected
            // sha256 before the rename, so the local side does not hash them a second time (~1
            // CPU-s per GiB, P1). A mismatch is told apart from a damaged transfer afterwards.
            digest = null;
        } else if (toSend) {
            if (digest == null && fullHash == null) {
                digest = HashCache.newDigest(); // hash while sending: the file is read once
            } else if (fullHash != null) {
                digest = null;
            }
        }
        if (expected != null && toSend) {
            // known content: receive, check and rename in one exec (one round trip less)
            long ts = System.nanoTime();
            ExecResult r;
            try {
                r = send(u, local, offset, null, sent, StagedFiles.receiveAndFinish(u.target(), staged, offset > 0,
                        expected, local.size(), u.mode(), u.owner(), transferLimit(local)));
            } catch (SshFailure e) {
                if (e.kind() == SshFailure.Kind.LOCAL_IO) {
                    discardStaged(staged); // the file changed under us (shorter, unreadable): keep none of it
                }
                throw e;
            }
            log.debug("{}: {} received, checked and renamed in {} ms", host.name(), u.target(), (System.nanoTime() - ts) / 1_000_000);
            if (r.exitCode() == StagedFiles.EXIT_INCOMPLETE) {
                // the host saw stdin end before the last byte: a broken stream; the prefix is kept
                throw new SshFailure(SshFailure.Kind.DISCONNECTED, host.name() + ": " + u.target() + ": " + r.stderrTail(1));
            }
            checkFinished(u, local, expected, r);
            return result(u, local, expected, status, sent, attempt, t0);
        }
        if (toSend) {
            long ts = System.nanoTime();
            send(u, local, offset, digest, sent, RemoteCommand.shell(StagedFiles.receiveScript(staged, offset > 0),
                    "receive " + u.target() + " into " + staged + (offset > 0 ? " from byte " + offset : ""))
                    .asRoot().timeout(transferLimit(local)));
            log.debug("{}: {} streamed in {} ms", host.name(), u.target(), (System.nanoTime() - ts) / 1_000_000);
        }
        if (expected != null) {
            fullHash = expected;
        } else if (fullHash == null) {
            fullHash = hex(digest);
            requireUnchanged(local);
            cache.put(local.path(), local.size(), local.mtimeNanos(), fullHash);
        }
        long tf = System.nanoTime();
        finish(u, local, staged, fullHash, local.size());
        log.debug("{}: {} checked and renamed in {} ms", host.name(), u.target(), (System.nanoTime() - tf) / 1_000_000);
        return result(u, local, fullHash, status, sent, attempt, t0);
    }

    private UploadResult result(Upload u, Local local, String sha, UploadResult.Status status, AtomicLong sent,
            int attempts, long t0) {
        return new UploadResult(host.name(), u.target(), sha, local.size(), status, sent.get(), attempts,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    // --- the three remote steps ------------------------------------------------------------

    private Probe probe(Upload u, Local local, String staged) {
        String script = "set -eu\numask 077\n"
                + "mkdir -p " + STAGING + "\nchmod 0700 " + STATE_DIR + " " + STAGING + "\n"
                + "t=" + quote(u.target()) + "; s=" + quote(staged) + "; size=" + local.size() + "\n"
                + HASH_FN
                + "if [ -f \"$t\" ]; then\n"
                + "  set -- $(stat -c '%s %a %U:%G' -- \"$t\")\n"
                + "  echo \"target $1 $2 $3\"\n"
                + "  if [ \"$1\" = \"$size\" ]; then echo \"target-sha256 $(h < \"$t\")\"; fi\n"
                + "fi\n"
                + "if [ -f \"$s\" ]; then\n"
                + "  n=$(stat -c %s -- \"$s\"); echo \"staged $n\"\n"
                + "  if [ \"$n\" -gt 0 ] && [ \"$n\" -le \"$size\" ]; then echo \"staged-sha256 $(h < \"$s\")\"; fi\n"
                + "fi\n";
        ExecResult r = host.run(RemoteCommand.shell(script, "probe " + u.target() + " and " + staged).asRoot());
        long targetSize = -1;
        long stagedSize = -1;
        String mode = null;
        String owner = null;
        String targetSha = null;
        String stagedSha = null;
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "target" -> {
                    targetSize = Long.parseLong(f[1]);
                    mode = f[2];
                    owner = f[3];
                }
                case "target-sha256" -> targetSha = f[1];
                case "staged" -> stagedSize = Long.parseLong(f[1]);
                case "staged-sha256" -> stagedSha = f[1];
                default -> {
                    // blank line
                }
            }
        }
        return new Probe(targetSize, mode, owner, targetSha, stagedSize, stagedSha);
    }

    /** A transfer may take long; keepalive catches a dead link long before this. */
    private Duration transferLimit(Local local) {
        return host.commandTimeout().plusSeconds(local.size() / 1_000_000);
    }

    /** Runs {@code receiver} with the file from {@code offset} as its stdin, within the upload gate. */
    private ExecResult send(Upload u, Local local, long offset, MessageDigest digest, AtomicLong sent,
            RemoteCommand receiver) {
        Semaphore gate = u.gate();
        acquire(gate);
        try {
            return host.run(receiver.stdin(new FileBody(u, local, offset, digest, sent)));
        } finally {
            if (gate != null) {
                gate.release();
            }
        }
    }

    private void finish(Upload u, Local local, String staged, String sha, long size) {
        checkFinished(u, local, sha, host.run(StagedFiles.finish(u.target(), staged, sha, size, u.mode(), u.owner())));
    }

    /** Maps the exit of a finish step: a sha256 mismatch (staged copy deleted, target untouched) or another failure. */
    private void checkFinished(Upload u, Local local, String sha, ExecResult r) {
        if (r.exitCode() == StagedFiles.EXIT_CHECKSUM) {
            // finish deleted the staged copy. With a fixed content, the usual cause is a local file
            // that changed after it was verified: read it again to say which it was.
            if (u.expectedSha256() != null && !u.expectedSha256().equals(currentHash(local))) {
                throw new SshFailure(SshFailure.Kind.SOURCE_CHANGED, host.name() + ": refusing " + local.path() + " for "
                        + u.target() + ": it changed after it was verified: the bytes sent have " + StagedFiles.mismatch(r)
                        + ", the verified content " + sha + "; the staged copy was deleted, " + u.target() + " was not touched");
            }
            throw new SshFailure(SshFailure.Kind.CHECKSUM, host.name() + ": " + u.target() + " arrived with "
                    + StagedFiles.mismatch(r) + " instead of " + sha
                    + "; the staged copy was deleted (did " + u.source() + " change during the upload?)");
        }
        r.orThrow();
    }

    /** The local file's sha256 as it is now, read afresh (never the cache); null when it cannot be read. */
    private static String currentHash(Local local) {
        MessageDigest d = HashCache.newDigest();
        try (FileChannel ch = FileChannel.open(local.path(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (ch.read(buf.clear()) >= 0) {
                d.update(buf.flip());
            }
            return hex(d);
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes a staged copy that must not be used; says what happened, for the message. */
    private String discardStaged(String staged) {
        try {
            host.run(RemoteCommand.shell("rm -f -- " + quote(staged) + " " + quote(staged + ".sha256") + " " + quote(staged + ".sha256.tmp"),
                    "delete the refused staged copy " + staged).asRoot());
            return "the staged copy was deleted";
        } catch (RuntimeException e) {
            log.warn("{}: could not delete {} ({}); it is never renamed into place and the next upload replaces it",
                    host.name(), staged, e.getMessage());
            return "the staged copy " + staged + " could not be deleted (" + e.getMessage() + ") and is never used";
        }
    }

    private void fixMetadata(Upload u, Probe p) {
        boolean modeOk = Integer.parseInt(p.targetMode(), 8) == Integer.parseInt(u.mode(), 8);
        boolean ownerOk = u.owner() == null || sameOwner(u.owner(), p.targetOwner());
        if (modeOk && ownerOk) {
            return;
        }
        String script = "chmod " + u.mode() + " -- " + quote(u.target())
                + (u.owner() != null ? " && chown " + quote(u.owner()) + " -- " + quote(u.target()) : "");
        host.run(RemoteCommand.shell(script).asRoot());
    }

    private static boolean sameOwner(String wanted, String actual) {
        return wanted.contains(":") ? wanted.equals(actual) : actual.startsWith(wanted + ":");
    }

    // --- local side ------------------------------------------------------------------------

    /** Streams the file from {@code offset}, hashing what it sends when asked to. */
    private final class FileBody implements RemoteCommand.Stdin {
        private final Upload u;
        private final Local local;
        private final long offset;
        private final MessageDigest digest;
        private final AtomicLong sent;

        FileBody(Upload u, Local local, long offset, MessageDigest digest, AtomicLong sent) {
            this.u = u;
            this.local = local;
            this.offset = offset;
            this.digest = digest;
            this.sent = sent;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            long done = offset;
            long nextReport = offset + PROGRESS_EVERY;
            u.listener().started(host.name(), u.target(), local.size(), offset);
            // Chunks go to the channel from this thread and, when the hash is not known yet, to a
            // hashing thread at the same time: the file is read once and hashing does not delay
            // the stream (with SHA-NI it is ~1 CPU-s per GiB, as much as the encryption).
            Hasher hasher = digest != null ? new Hasher(digest) : null;
            // without a hasher one buffer serves every read: a fresh 1 MiB array per read is a
            // G1 humongous allocation each time (~1000 per GiB, each a trip to the old generation)
            Chunk only = hasher == null ? new Chunk(CHUNK) : null;
            try (FileChannel ch = openLocal(local.path())) {
                ch.position(offset);
                while (done < local.size()) {
                    Chunk c = hasher != null ? hasher.free() : only;
                    ByteBuffer buf = c.buffer.clear();
                    if (local.size() - done < buf.capacity()) {
                        buf.limit((int) (local.size() - done));
                    }
                    int n = readLocal(ch, buf, local);
                    if (hasher != null) {
                        hasher.submit(c, n);
                    }
                    out.write(buf.array(), 0, n);
                    if (hasher != null) {
                        hasher.release(c);
                    }
                    done += n;
                    sent.addAndGet(n);
                    if (done >= nextReport) {
                        u.listener().progress(host.name(), u.target(), done, local.size());
                        nextReport = done + PROGRESS_EVERY;
                    }
                }
                if (hasher != null) {
                    hasher.finish();
                }
            } finally {
                if (hasher != null) {
                    hasher.stop();
                }
            }
            u.listener().progress(host.name(), u.target(), done, local.size());
        }

        @Override
        public String toString() {
            return local.path() + " from byte " + offset;
        }
    }

    /** A buffer shared by the sender and the hasher; back in the pool when both are done. */
    private static final class Chunk {
        final ByteBuffer buffer;
        final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();
        int length;

        Chunk(int size) {
            buffer = ByteBuffer.allocate(size);
        }
    }

    /** Feeds chunks to a MessageDigest on its own thread, in order. */
    private static final class Hasher {
        private static final int POOL = 4;
        private static final Chunk END = new Chunk(0);
        private final java.util.concurrent.BlockingQueue<Chunk> pool = new java.util.concurrent.ArrayBlockingQueue<>(POOL);
        private final java.util.concurrent.BlockingQueue<Chunk> work = new java.util.concurrent.ArrayBlockingQueue<>(POOL + 1);
        private final Thread thread;
        private volatile Throwable failure;

        Hasher(MessageDigest digest) {
            for (int i = 0; i < POOL; i++) {
                pool.add(new Chunk(CHUNK));
            }
            thread = new Thread(() -> {
                try {
                    for (Chunk c = work.take(); c != END; c = work.take()) {
                        digest.update(c.buffer.array(), 0, c.length);
                        release(c);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }, "upload-sha256");
            thread.setDaemon(true);
            thread.start();
        }

        Chunk free() throws IOException {
            try {
                Chunk c = pool.take();
                c.users.set(2); // the channel writer and the hasher
                return c;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing");
            }
        }

        void submit(Chunk c, int length) throws IOException {
            c.length = length;
            try {
                work.put(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing");
            }
        }

        void release(Chunk c) {
            if (c.users.decrementAndGet() == 0) {
                pool.add(c);
            }
        }

        /** Waits until every submitted chunk is in the digest. */
        void finish() throws IOException {
            try {
                work.put(END);
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing");
            }
            if (failure != null) {
                throw new IllegalStateException("hashing failed", failure);
            }
        }

        void stop() {
            thread.interrupt();
        }
    }

    private static FileChannel openLocal(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + path + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private static int readLocal(FileChannel ch, ByteBuffer buf, Local local) throws IOException {
        try {
            int n = ch.read(buf);
            if (n <= 0) {
                throw new SshFailure(SshFailure.Kind.LOCAL_IO, local.path() + " became shorter while it was uploaded");
            }
            return n;
        } catch (java.nio.channels.ClosedByInterruptException e) {
            // the transport's disconnect listener interrupts stdin writers (SshRemoteHost.Writer); when the
            // link dies while this thread reads the file rather than writes, it is the same broken link:
            // an IOException of the channel, so the upload is retried and resumes (not a local read error)
            throw new java.io.InterruptedIOException("the connection broke while " + local.path() + " was read");
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + local.path() + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private static Local local(Path path) {
        try {
            if (!Files.isRegularFile(path)) {
                throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot upload " + path + ": not a regular file");
            }
            return new Local(path.toAbsolutePath().normalize(), Files.size(path), HashCache.mtimeNanos(path));
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + path + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private static void requireUnchanged(Local local) {
        try {
            if (Files.size(local.path()) != local.size() || HashCache.mtimeNanos(local.path()) != local.mtimeNanos()) {
                throw new SshFailure(SshFailure.Kind.LOCAL_IO, local.path() + " changed while it was uploaded");
            }
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + local.path() + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private String localHash(Local local) {
        try {
            return cache.sha256(local.path());
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + local.path() + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private MessageDigest prefixDigest(Local local, long length) {
        try {
            return cache.prefixDigest(local.path(), length);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.LOCAL_IO, "cannot read " + local.path() + ": " + SshRemoteHost.reason(e), e);
        }
    }

    private static void acquire(Semaphore gate) {
        if (gate == null) {
            return;
        }
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshFailure(SshFailure.Kind.DISCONNECTED, "interrupted while waiting for an upload slot", e);
        }
    }

    private static MessageDigest copy(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    private static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }
}
