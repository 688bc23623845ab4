package io.seedbootstrap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-run verifies an untouched bundle without reading its files again (issue 22, P3), and a file
 * changed since — even with its modification time put back — is hashed and refused; a forged
 * record only skips the early check: reading the file still refuses it.
 */
class VerifiedFilesTest {
    static final String CORE = "rke2/rke2-images-core.linux-amd64.tar.zst";

    @TempDir
    static Path shared;

    static Path rke2Artifacts;

    @TempDir
    Path dir;

    Path bundle;
    Path record;
    BundleManifest manifest;
    BundleSigningKey key = BundleSigningKey.generate();

    @BeforeAll
    static void rke2Artifacts() throws Exception {
        rke2Artifacts = TestBundles.rke2Artifacts(shared);
    }

    @BeforeEach
    void build() throws Exception {
        // 16 KiB: the tarball and an image archive are stored as parts, each remembered on its own
        manifest = TestBundles.build(dir, TestBundles.mirror(dir, rke2Artifacts), key, 16 * 1024).manifest();
        bundle = dir.resolve("bundle");
        record = dir.resolve("cache/seed-bootstrap/bundle-verified.cache");
    }

    private BundleVerifier.Report verify(VerifiedFiles files) {
        return new BundleVerifier(2, Progress.none()).remembering(files).verify(bundle, BundleVerifier.Trust.pinned(key.fingerprint(), "test"));
    }

    @Test
    void anUntouchedBundleIsNotHashedAgain() throws Exception {
        BundleVerifier.Report first = verify(VerifiedFiles.at(record));
        assertEquals(List.of(), first.problems());
        assertEquals(manifest.totalSize(), first.bytesHashed(), "the first verification reads every byte");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));

        BundleVerifier.Report again = verify(VerifiedFiles.at(record));
        assertEquals(List.of(), again.problems());
        assertEquals(0, again.bytesHashed(), "nothing read again");
        assertTrue(again.notes().stream().anyMatch(n -> n.contains("not hashed again")), again.notes().toString());

        assertEquals(manifest.totalSize(), verify(VerifiedFiles.none()).bytesHashed(), "without a record every file is hashed");
    }

    @Test
    void aFileChangedSinceIsHashedAndRefusedEvenWithItsTimePutBack() throws Exception {
        assertEquals(List.of(), verify(VerifiedFiles.at(record)).problems());
        Path core = bundle.resolve(CORE);
        FileTime mtime = Files.getLastModifiedTime(core);
        TestBundles.flipByte(core, 100); // same size
        Files.setLastModifiedTime(core, mtime); // the change time (ctime) cannot be put back

        BundleVerifier.Report again = verify(VerifiedFiles.at(record));
        assertEquals(List.of(CORE), again.problems().stream().map(BundleVerifier.Problem::path).toList());
        assertEquals(Files.size(core), again.bytesHashed(), "only the changed file was read");
        // and it is not remembered as good: the next run refuses it again
        assertEquals(List.of(CORE), verify(VerifiedFiles.at(record)).problems().stream().map(BundleVerifier.Problem::path).toList());
    }

    @Test
    void aForgedRecordOnlySkipsTheEarlyCheckReadingTheFileStillRefusesIt() throws Exception {
        assertEquals(List.of(), verify(VerifiedFiles.at(record)).problems());
        Path core = bundle.resolve(CORE);
        TestBundles.flipByte(core, 100);
        // whoever can write the operator's cache says the tampered file is the verified one
        Path real = core.toRealPath();
        VerifiedFiles.State now = VerifiedFiles.State.of(real).orElseThrow();
        String forged = Files.readAllLines(record, StandardCharsets.UTF_8).stream()
                .map(l -> l.endsWith("\t" + real) ? l.split("\t")[0] + "\t" + now.size() + "\t" + now.mtimeNanos() + "\t"
                        + now.ctimeNanos() + "\t" + now.inode() + "\t" + real : l)
                .reduce("", (a, b) -> a + b + "\n");
        Files.writeString(record, forged);

        BundleVerifier.Report report = verify(VerifiedFiles.at(record));
        assertEquals(List.of(), report.problems(), "the forged record skips the hash");
        ManifestFile file = manifest.file(CORE).orElseThrow();
        IOException refused = assertThrows(IOException.class, () -> {
            try (InputStream in = report.orThrow().open(file)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        });
        assertTrue(refused.getMessage().contains(CORE) || refused.getMessage().contains("sha256"), refused.getMessage());
    }
}
