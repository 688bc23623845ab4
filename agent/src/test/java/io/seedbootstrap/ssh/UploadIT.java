package io.seedbootstrap.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.host.Hosts;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Streamed, verified, atomic, resumable uploads to a real host (admin with passwordless sudo). */
class UploadIT {

    @RegisterExtension
    static final TestMachines machines = TestMachines.builder().count(1).build();

    @TempDir
    Path tmp;

    private TestMachine vm() {
        return machines.get(0);
    }

    static Path randomFile(Path dir, String name, int size, long seed) throws IOException {
        Path f = dir.resolve(name);
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (int left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, Math.min(left, buf.length));
            }
        }
        return f;
    }

    static String sha256(Path f) throws IOException {
        return HashCache.inMemory().sha256(f);
    }

    private String remoteSha(String path) {
        return vm().exec("sh", "-c", "sha256sum < '" + path + "' | cut -c1-64").orThrow("sha256sum").stdout().trim();
    }

    @Test
    void aFileLandsVerifiedWithModeAndOwnerAndNothingIsLeftInStaging() throws IOException {
        Path f = randomFile(tmp, "images.tar.zst", 20 << 20, 1);
        String target = "/var/lib/rancher/rke2/agent/images/images.tar.zst";
        List<String> events = new CopyOnWriteArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void started(String host, String t, long size, long offset) {
                events.add("started " + offset);
            }

            @Override
            public void finished(UploadResult r) {
                events.add("finished " + r.status());
            }
        };
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            UploadResult r = h.upload(Upload.of(f, target).mode("0640").owner("admin:admin").listener(listener));
            assertEquals(UploadResult.Status.SENT, r.status());
            assertEquals(Files.size(f), r.bytesSent());
            assertEquals(sha256(f), r.sha256());
        }
        assertEquals(sha256(f), remoteSha(target));
        assertEquals("640 admin:admin", vm().exec("stat", "-c", "%a %U:%G", target).stdout().trim());
        assertEquals("700 root", vm().exec("stat", "-c", "%a %U", "/var/lib/seed-bootstrap/staging").stdout().trim());
        assertEquals("700", vm().exec("stat", "-c", "%a", "/var/lib/seed-bootstrap").stdout().trim());
        assertEquals("", vm().exec("ls", "-A", "/var/lib/seed-bootstrap/staging").stdout().trim());
        // the folder that did not exist was made 0755, not with the staging umask
        assertEquals("755", vm().exec("stat", "-c", "%a", "/var/lib/rancher/rke2/agent/images").stdout().trim());
        assertEquals(List.of("started 0", "finished SENT"), events);
    }

    @Test
    void anEmptyFileLandsWithAndWithoutAnExpectedSha256AndIsThenSkipped() throws IOException {
        Path f = Files.createFile(tmp.resolve("empty.conf"));
        String sha = sha256(f);
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            assertEquals(UploadResult.Status.SENT, h.upload(Upload.of(f, "/opt/seed/empty-a.conf")).status());
            assertEquals(UploadResult.Status.SENT, h.upload(Upload.of(f, "/opt/seed/empty-b.conf").expecting(sha, 0)).status());
            assertEquals(UploadResult.Status.SKIPPED, h.upload(Upload.of(f, "/opt/seed/empty-a.conf")).status());
        }
        assertEquals("0 644\n0 644", vm().exec("stat", "-c", "%s %a", "/opt/seed/empty-a.conf", "/opt/seed/empty-b.conf").stdout().trim());
        assertEquals("", vm().exec("ls", "-A", "/var/lib/seed-bootstrap/staging").stdout().trim());
    }

    @Test
    void aFileThatAlreadyMatchesIsNotSentAgainNorHashedAgain() throws IOException {
        Path f = randomFile(tmp, "same.bin", 8 << 20, 2);
        String target = "/opt/seed/same.bin";
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            assertEquals(UploadResult.Status.SENT, h.upload(Upload.of(f, target)).status());
        }
        // a new run: new connection, cache read back from its file
        HashCache cache = new HashCache(tmp.resolve("sha256.cache"));
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp).withHashCache(cache))) {
            UploadResult again = h.upload(Upload.of(f, target).mode("0600"));
            assertEquals(UploadResult.Status.SKIPPED, again.status());
            assertEquals(0, again.bytesSent());
            assertEquals(0, cache.bytesHashed(), "the local hash must come from the cache");
        }
        // mode fixed in place without sending
        assertEquals("600", vm().exec("stat", "-c", "%a", target).stdout().trim());
    }

    @Test
    void aTargetWithOtherContentIsReplaced() throws IOException {
        Path f = randomFile(tmp, "v2.bin", 4 << 20, 3);
        String target = "/opt/seed/replaced.bin";
        vm().sh("mkdir -p /opt/seed && head -c " + (4 << 20) + " /dev/zero > " + target).orThrow("old file");
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            assertEquals(UploadResult.Status.SENT, h.upload(Upload.of(f, target)).status());
        }
        assertEquals(sha256(f), remoteSha(target));
    }

    @Test
    void aDroppedConnectionMidUploadIsRetriedAndResumes() throws IOException {
        droppedAndResumed(false);
    }

    /** Known content receives, checks and renames in one exec: a cut keeps the staged prefix all the same. */
    @Test
    void aDroppedConnectionMidUploadOfKnownContentIsRetriedAndResumes() throws IOException {
        droppedAndResumed(true);
    }

    private void droppedAndResumed(boolean known) throws IOException {
        int size = 64 << 20;
        Path f = randomFile(tmp, "big.bin", size, 4);
        String target = known ? "/opt/seed/big-known.bin" : "/opt/seed/big.bin";
        List<Long> offsets = new CopyOnWriteArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void started(String host, String t, long total, long offset) {
                offsets.add(offset);
            }
        };
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", vm().sshPort())) {
            SshTarget t = Machines.target(vm()).withAddress("127.0.0.1", proxy.port())
                    .withHostKey(Machines.fingerprints(vm()).get(0));
            try (RemoteHost h = RemoteHost.connect(t, Machines.options(tmp))) {
                h.exec("true"); // sudo probe and first channel before the cut is armed
                proxy.cutAfterUpstreamBytes(24 << 20);
                Upload u = Upload.of(f, target).listener(listener).retryFor(Duration.ofMinutes(1));
                UploadResult r = h.upload(known ? u.expecting(sha256(f), size) : u);
                assertEquals(1, proxy.cuts());
                assertEquals(UploadResult.Status.RESUMED, r.status());
                assertEquals(2, r.attempts());
                assertEquals(2, offsets.size(), offsets.toString());
                long resumedAt = offsets.get(1);
                assertTrue(resumedAt > 0 && resumedAt < size, "resumed at " + resumedAt);
                long firstAttempt = r.bytesSent() - (size - resumedAt);
                // written to the channel before the cut: at least what was kept, at most the cut
                // point plus what socket buffers held
                assertTrue(firstAttempt >= resumedAt && firstAttempt <= (24 << 20) + (8 << 20),
                        "first attempt sent " + firstAttempt + ", resumed at " + resumedAt);
                assertEquals(sha256(f), r.sha256());
                // the break is noticed at once (not after the 15 s channel window timeout)
                assertTrue(r.duration().toSeconds() < 10, "took " + r.duration());
            }
        }
        assertEquals(sha256(f), remoteSha(target));
        assertEquals("", vm().exec("ls", "-A", "/var/lib/seed-bootstrap/staging").stdout().trim());
    }

    @Test
    void killingTheSshdServingTheUploadIsRetriedAndResumes() throws IOException {
        int size = 192 << 20;
        Path f = randomFile(tmp, "killed.bin", size, 12);
        String target = "/opt/seed/killed.bin";
        String staged = Uploader.stagedPath(target);
        // on the host: once 16 MiB have landed, kill the sshd processes of admin's sessions
        // ([s] keeps pkill from matching this very shell's command line)
        vm().sh("rm -f " + staged + "; setsid sh -c 'while [ \"$(stat -c %s " + staged + " 2>/dev/null || echo 0)\" -lt "
                + (16 << 20) + " ]; do sleep 0.005; done; pkill -KILL -f \"[s]shd: admin\"; echo killed > /root/killed'"
                + " >/dev/null 2>&1 </dev/null &").orThrow("start killer");
        List<Long> offsets = new CopyOnWriteArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void started(String host, String t, long total, long offset) {
                offsets.add(offset);
            }
        };
        // keep-alives 15 min apart: a cut noticed only by missed keep-alives could not resume within the
        // 3 min guard, so finishing proves the dead connection itself was noticed (no timing of the upload)
        SshOptions slowKeepAlive = Machines.options(tmp).withKeepAlive(Duration.ofMinutes(15), 3);
        UploadResult r = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), slowKeepAlive)) {
                return h.upload(Upload.of(f, target).listener(listener).retryFor(Duration.ofMinutes(1)));
            }
        });
        assertEquals("killed", vm().exec("cat", "/root/killed").stdout().trim(), "the sshd child was not killed");
        assertEquals(UploadResult.Status.RESUMED, r.status(), "offsets " + offsets);
        assertTrue(offsets.get(offsets.size() - 1) >= 16 << 20, "resumed at " + offsets);
        assertTrue(r.bytesSent() < 2L * size, "sent " + r.bytesSent());
        assertEquals(sha256(f), remoteSha(target));
    }

    @Test
    void aCorruptedStagedFileIsDetectedAndSentAgain() throws IOException {
        Path f = randomFile(tmp, "c.bin", 6 << 20, 5);
        for (int stagedLength : new int[] {1 << 20, 6 << 20}) {
            String target = "/opt/seed/corrupt-" + stagedLength + ".bin";
            String staged = Uploader.stagedPath(target);
            // a staged file of a plausible length whose bytes are not ours
            vm().sh("mkdir -p /var/lib/seed-bootstrap/staging && head -c " + stagedLength + " /dev/urandom > " + staged)
                    .orThrow("fake staged file");
            try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
                UploadResult r = h.upload(Upload.of(f, target));
                assertEquals(UploadResult.Status.SENT, r.status(), "staged " + stagedLength);
                assertEquals(Files.size(f), r.bytesSent());
            }
            assertEquals(sha256(f), remoteSha(target));
        }
    }

    @Test
    void aGoodStagedPrefixIsKeptAndOnlyTheRestSent() throws IOException {
        Path f = randomFile(tmp, "p.bin", 6 << 20, 6);
        String target = "/opt/seed/prefix.bin";
        String staged = Uploader.stagedPath(target);
        byte[] prefix = java.util.Arrays.copyOf(Files.readAllBytes(f), 2 << 20);
        Files.write(tmp.resolve("prefix"), prefix);
        vm().container().copyFileToContainer(org.testcontainers.utility.MountableFile.forHostPath(tmp.resolve("prefix")), staged);
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            UploadResult r = h.upload(Upload.of(f, target));
            assertEquals(UploadResult.Status.RESUMED, r.status());
            assertEquals((6 << 20) - (2 << 20), r.bytesSent());
        }
        assertEquals(sha256(f), remoteSha(target));
    }

    @Test
    void aChecksumMismatchOnTheHostAbortsAtOnceAndLeavesNothing() throws IOException {
        Path f = randomFile(tmp, "m.bin", 1 << 20, 7);
        String target = "/opt/seed/mismatch.bin";
        // a host whose hashing tool lies: what a corrupted transfer would look like from here
        // (python3 hidden, so the receiver falls back to tail | openssl and finish to openssl)
        vm().sh("printf '#!/bin/sh\\ncat >/dev/null; echo 0000000000000000000000000000000000000000000000000000000000000000 \\n' > /usr/local/bin/openssl"
                + " && chmod 755 /usr/local/bin/openssl").orThrow("fake openssl");
        hidePython3();
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            long t0 = System.nanoTime();
            int logins = sshLogins();
            SshFailure e = assertThrows(SshFailure.class, () -> h.upload(Upload.of(f, target).retryFor(Duration.ofMinutes(1))));
            assertEquals(SshFailure.Kind.CHECKSUM, e.kind());
            assertFalse(e.retryable());
            // a retry reconnects first (Uploader): no new login means none was made
            assertEquals(logins, sshLogins(), "a checksum mismatch must not be retried");
            System.out.println("checksum mismatch refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms (information)");
            assertTrue(e.getMessage().contains(sha256(f)), e.getMessage());
        } finally {
            vm().sh("rm -f /usr/local/bin/openssl /usr/local/bin/python3");
        }
        assertEquals(1, vm().exec("test", "-e", target).exitCode(), "nothing at the target");
        assertEquals(1, vm().exec("test", "-e", Uploader.stagedPath(target)).exitCode(), "staged copy deleted");
    }

    @Test
    void anExpectedSha256IsWhatLandsAndAFileThatNoLongerHasItIsRefusedAndLeavesNothing() throws IOException {
        Path f = randomFile(tmp, "verified.bin", 3 << 20, 8);
        String sha = sha256(f);
        long size = Files.size(f);
        String target = "/opt/seed/verified.bin";
        String staged = Uploader.stagedPath(target);
        HashCache cache = HashCache.inMemory();
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp).withHashCache(cache))) {
            assertEquals(UploadResult.Status.SENT, h.upload(Upload.of(f, target).expecting(sha, size)).status());
            assertEquals(sha, remoteSha(target));
            // the host has it: skipped on the host's word against the expected value, the local file not even read
            long hashedBefore = cache.bytesHashed();
            assertEquals(UploadResult.Status.SKIPPED, h.upload(Upload.of(f, target).expecting(sha, size)).status());
            assertEquals(hashedBefore, cache.bytesHashed());

            // the same size, one byte changed after "verification": refused by name, not retried
            vm().sh("rm -f " + target).orThrow("rm");
            byte[] bytes = Files.readAllBytes(f);
            bytes[1 << 20] ^= 1;
            Files.write(f, bytes);
            long t0 = System.nanoTime();
            int logins = sshLogins();
            SshFailure e = assertThrows(SshFailure.class,
                    () -> h.upload(Upload.of(f, target).expecting(sha, size).retryFor(Duration.ofMinutes(1))));
            assertEquals(SshFailure.Kind.SOURCE_CHANGED, e.kind());
            assertFalse(e.retryable());
            assertEquals(io.seedbootstrap.support.ExitCode.FAILED, e.exitCode());
            assertEquals(logins, sshLogins(), "not retried (a retry reconnects first)");
            System.out.println("changed source refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms (information)");
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("changed after it was verified")
                    && e.getMessage().contains(sha), e.getMessage());
            assertEquals(1, vm().exec("test", "-e", target).exitCode(), "nothing at the target");
            assertEquals("", vm().sh("ls -A /var/lib/seed-bootstrap/staging").stdout().strip(), "staged copy deleted");

            // a target already there is left as it was, whatever the changed file holds
            Path good = randomFile(tmp, "good.bin", 3 << 20, 8);
            h.upload(Upload.of(good, target + ".old"));
            vm().sh("mv " + target + ".old " + target).orThrow("mv");
            vm().sh("printf X | dd of=" + target + " bs=1 seek=10 conv=notrunc status=none").orThrow("flip");
            String before = remoteSha(target);
            assertThrows(SshFailure.class, () -> h.upload(Upload.of(f, target).expecting(sha, size)));
            assertEquals(before, remoteSha(target), "the target is not touched");

            // another size: refused before a byte is sent
            Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 1));
            SshFailure shorter = assertThrows(SshFailure.class, () -> h.upload(Upload.of(f, target).expecting(sha, size)));
            assertEquals(SshFailure.Kind.SOURCE_CHANGED, shorter.kind());
            assertTrue(shorter.getMessage().contains("nothing was sent"), shorter.getMessage());
            assertEquals(1, vm().exec("test", "-e", staged).exitCode());
        }
    }

    @Test
    void aStagedPrefixOfTheVerifiedFileIsResumedButAChangedRestIsStillRefused() throws IOException {
        Path f = randomFile(tmp, "resume.bin", 6 << 20, 9);
        String sha = sha256(f);
        String target = "/opt/seed/resume-verified.bin";
        String staged = Uploader.stagedPath(target);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(tmp.resolve("prefix"), java.util.Arrays.copyOf(bytes, 2 << 20));
        vm().sh("mkdir -p /var/lib/seed-bootstrap/staging").orThrow("staging");
        vm().container().copyFileToContainer(org.testcontainers.utility.MountableFile.forHostPath(tmp.resolve("prefix")), staged);
        // the part not yet sent changes: the prefix still matches the host's, the whole does not
        bytes[5 << 20] ^= 1;
        Files.write(f, bytes);
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            SshFailure e = assertThrows(SshFailure.class, () -> h.upload(Upload.of(f, target).expecting(sha, bytes.length)));
            assertEquals(SshFailure.Kind.SOURCE_CHANGED, e.kind(), e.getMessage());
        }
        assertEquals(1, vm().exec("test", "-e", target).exitCode(), "nothing at the target");
        assertEquals(1, vm().exec("test", "-e", staged).exitCode(), "the staged copy is deleted");
    }

    @Test
    void parallelUploadsRespectTheUploadLimitAndFailuresAreCollected() throws IOException {
        Hosts hosts = new Hosts(new Hosts.Limits(4, 1));
        AtomicInteger sending = new AtomicInteger();
        AtomicInteger maxSending = new AtomicInteger();
        TransferListener gauge = new TransferListener() {
            @Override
            public void started(String host, String target, long size, long offset) {
                maxSending.accumulateAndGet(sending.incrementAndGet(), Math::max);
            }

            @Override
            public void progress(String host, String target, long done, long size) {
                if (done == size) {
                    sending.decrementAndGet();
                }
            }
        };
        List<Path> files = List.of(randomFile(tmp, "a", 8 << 20, 8), randomFile(tmp, "b", 8 << 20, 9),
                randomFile(tmp, "c", 8 << 20, 10));
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            var results = hosts.parallel(files, Path::toString, file -> h.upload(
                    Upload.of(file, "/opt/seed/par/" + file.getFileName()).gate(hosts.uploadSlots()).listener(gauge)));
            assertEquals(3, results.size());
            assertEquals(1, maxSending.get(), "upload limit 1 was exceeded");

            // two tasks fail: both are reported in one error, the good one still ran
            var e = assertThrows(io.seedbootstrap.support.SeedException.class, () -> hosts.parallel(
                    List.of("/nope/1", "/opt/seed/par/a", "/nope/2"), s -> s,
                    target -> target.startsWith("/nope") ? h.exec("sh", "-c", "echo no such thing: " + target + " >&2; exit 4")
                            : h.exec("test", "-f", target)));
            assertTrue(e.getMessage().startsWith("2 of 3 host(s) failed:"), e.getMessage());
            assertTrue(e.getMessage().contains("/nope/1: ") && e.getMessage().contains("no such thing: /nope/2"), e.getMessage());
        }
    }

    /**
     * SSH logins the test machine's sshd has accepted so far. Not retried is checked by this count, not
     * by a time limit: a time limit fails on a loaded machine (house rule: timings go in benchmarks).
     */
    /** A python3 first in root's PATH that cannot run: the receiver's fallback (cat + tail + openssl) is used. */
    private void hidePython3() {
        vm().sh("printf '#!/bin/sh\\nexit 127\\n' > /usr/local/bin/python3 && chmod 755 /usr/local/bin/python3").orThrow("hide python3");
    }

    @Test
    void receiveAndFinishRenamesOnlyTheExactContentAndKeepsAShortCopyForResumeWithAndWithoutPython3() throws IOException {
        try {
            for (boolean python : new boolean[] {true, false}) {
                if (!python) {
                    hidePython3();
                }
                receiveAndFinishChecks(python ? "py" : "tail");
            }
        } finally {
            vm().sh("rm -f /usr/local/bin/python3");
        }
    }

    /** One pass of the one-exec receive/check/rename against the host, as the uploader runs it for known content. */
    private void receiveAndFinishChecks(String tag) throws IOException {
        Path f = randomFile(tmp, "rf-" + tag + ".bin", (3 << 20) + 17, 11);
        byte[] content = Files.readAllBytes(f);
        String sha = sha256(f);
        String target = "/opt/seed/rf-" + tag + ".bin";
        String staged = Uploader.stagedPath(target);
        vm().sh("mkdir -p /opt/seed && echo old > " + target).orThrow("old target");
        String old = remoteSha(target);
        Duration limit = Duration.ofMinutes(2);
        try (RemoteHost h = RemoteHost.connect(Machines.target(vm()), Machines.options(tmp))) {
            // one byte flipped in transit or on disk: refused, staged copy deleted, target untouched
            byte[] flipped = content.clone();
            flipped[12345] ^= 1;
            ExecResult r = h.exec(StagedFiles.receiveAndFinish(target, staged, false, sha, content.length, "0640", "root:root", limit)
                    .stdin(RemoteCommand.Stdin.of(flipped)));
            assertEquals(StagedFiles.EXIT_CHECKSUM, r.exitCode(), tag + ": " + r.stderr());
            assertEquals(old, remoteSha(target), tag + ": the target is not touched");
            assertEquals(1, vm().exec("test", "-e", staged).exitCode(), tag + ": staged copy deleted");

            // one byte too many: refused the same way
            byte[] longer = java.util.Arrays.copyOf(content, content.length + 1);
            r = h.exec(StagedFiles.receiveAndFinish(target, staged, false, sha, content.length, "0640", "root:root", limit)
                    .stdin(RemoteCommand.Stdin.of(longer)));
            assertEquals(StagedFiles.EXIT_CHECKSUM, r.exitCode(), tag + ": " + r.stderr());
            assertEquals(old, remoteSha(target), tag + ": the target is not touched");
            assertEquals(1, vm().exec("test", "-e", staged).exitCode(), tag + ": staged copy deleted");

            // the stream ends early: the prefix is kept (for a resume), the target untouched
            int half = content.length / 2;
            r = h.exec(StagedFiles.receiveAndFinish(target, staged, false, sha, content.length, "0640", "root:root", limit)
                    .stdin(RemoteCommand.Stdin.of(java.util.Arrays.copyOf(content, half))));
            assertEquals(StagedFiles.EXIT_INCOMPLETE, r.exitCode(), tag + ": " + r.stderr());
            assertEquals(old, remoteSha(target), tag + ": the target is not touched");
            assertEquals(String.valueOf(half), vm().sh("stat -c %s " + staged).stdout().strip(), tag + ": prefix kept");

            // the rest appended: the hash covers the kept prefix too, and only then is it renamed
            r = h.exec(StagedFiles.receiveAndFinish(target, staged, true, sha, content.length, "0640", "root:root", limit)
                    .stdin(RemoteCommand.Stdin.of(java.util.Arrays.copyOfRange(content, half, content.length))));
            assertEquals(0, r.exitCode(), tag + ": " + r.stderr());
            assertEquals(sha, remoteSha(target), tag);
            assertEquals("640 root:root", vm().sh("stat -c '%a %U:%G' " + target).stdout().strip(), tag);
            assertEquals("", vm().sh("ls -A /var/lib/seed-bootstrap/staging").stdout().strip(), tag + ": nothing left in staging");
        }
    }

    private int sshLogins() {
        return Integer.parseInt(vm().sh("journalctl -u ssh --no-pager -o cat | grep -c '^Accepted ' || true").stdout().strip());
    }
}
