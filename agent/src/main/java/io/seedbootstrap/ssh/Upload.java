package io.seedbootstrap.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * One file to put on a host. The upload streams from disk into
 * {@value Uploader#STAGING} (0700, umask 077) under a name derived from the target path, checks
 * the sha256 on the host, sets mode and owner, and renames into place, so a half-written file
 * never appears at {@code target} (RKE2 imports image archives the moment they appear). It is
 * skipped when the target already has the same sha256, and resumed from the staged file's length
 * when its prefix matches. Runs as root (through sudo when the login user is not root).
 *
 * <p>With {@link #expecting} the content is fixed by the caller (a bundle file's sha256 from its
 * signed manifest): the bytes sent must hash to it, which is checked while they stream, and the
 * host checks the same value before the rename. A source that no longer matches (changed after it
 * was verified) is refused with {@link SshFailure.Kind#SOURCE_CHANGED}: its staged copy is deleted
 * and the target is not touched. Without it, the local file's current content is what is sent.
 *
 * @param mode           octal permission bits, e.g. {@code 0644}
 * @param owner          {@code user:group}, or null to keep root's
 * @param gate           taken while bytes are sent (the run's limit on concurrent uploads), or null
 * @param retryFor       how long dropped connections are retried (resuming each time)
 * @param expectedSha256 lower-case hex sha256 the content must have, or null
 * @param expectedSize   the size in bytes the content must have (with expectedSha256), else -1
 */
public record Upload(Path source, String target, String mode, String owner, TransferListener listener,
        Semaphore gate, Duration retryFor, String expectedSha256, long expectedSize) {

    private static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]*(:[A-Za-z0-9_.][A-Za-z0-9_.-]*)?");

    public Upload {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(retryFor, "retryFor");
        if (!target.startsWith("/") || target.endsWith("/") || target.contains("\n") || target.contains("\0")
                || target.contains("/../") || target.endsWith("/..")) {
            throw new IllegalArgumentException("upload target must be an absolute file path: " + target);
        }
        if (!MODE.matcher(mode).matches()) {
            throw new IllegalArgumentException("mode must be octal like 0644: " + mode);
        }
        if (owner != null && !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner must be user or user:group: " + owner);
        }
        if (expectedSha256 != null ? !SHA256.matcher(expectedSha256).matches() || expectedSize < 0 : expectedSize != -1) {
            throw new IllegalArgumentException("expected content must be a lower-case hex sha256 and a size: "
                    + expectedSha256 + ", " + expectedSize);
        }
    }

    /** Mode 0644, owner root, no progress, no gate, dropped links retried for 5 minutes. */
    public static Upload of(Path source, String target) {
        return new Upload(source, target, "0644", null, TransferListener.NONE, null, Duration.ofMinutes(5), null, -1);
    }

    /** The content must be exactly this: {@code size} bytes with this sha256 (see the class comment). */
    public Upload expecting(String sha256, long size) {
        return new Upload(source, target, mode, owner, listener, gate, retryFor, sha256, size);
    }

    public Upload mode(String newMode) {
        return new Upload(source, target, newMode, owner, listener, gate, retryFor, expectedSha256, expectedSize);
    }

    public Upload owner(String newOwner) {
        return new Upload(source, target, mode, newOwner, listener, gate, retryFor, expectedSha256, expectedSize);
    }

    public Upload listener(TransferListener l) {
        return new Upload(source, target, mode, owner, l, gate, retryFor, expectedSha256, expectedSize);
    }

    public Upload gate(Semaphore g) {
        return new Upload(source, target, mode, owner, listener, g, retryFor, expectedSha256, expectedSize);
    }

    public Upload retryFor(Duration d) {
        return new Upload(source, target, mode, owner, listener, gate, d, expectedSha256, expectedSize);
    }
}
