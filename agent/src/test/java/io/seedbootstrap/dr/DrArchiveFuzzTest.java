package io.seedbootstrap.dr;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.pki.archive.ArchiveCipher;
import io.seedbootstrap.support.Fuzzing;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the DR archive reader. {@code sealedFile}: the fuzzer's bytes are
 * the archive file (header, KDF parameters, chunks). {@code innerTar}: the fuzzer's bytes are
 * the plaintext, sealed with the right passphrase, so the tar and manifest.json reader behind
 * the authentication is reached. Both: a whole archive, or one bad-input refusal (exit 2).
 */
class DrArchiveFuzzTest {
    static final Secret PASS = Secret.literal("fuzzing passphrase");
    /** The cheapest parameters a reader accepts: key derivation in milliseconds. */
    static final ArchiveCipher.Params PARAMS = new ArchiveCipher.Params(10, 8, 1, 4096);
    private static final Path DIR = Fuzzing.scratch("dr");

    @FuzzTest(maxDuration = "60s")
    void sealedFile(byte[] input) {
        Path file = DIR.resolve("archive.sbdr");
        Fuzzing.write(file, input);
        Fuzzing.refusedOnlyAs(() -> DrArchive.check(file, PASS));
        Fuzzing.refusedOnlyAs(() -> DrArchive.verify(file, PASS));
    }

    @FuzzTest(maxDuration = "60s")
    void innerTar(byte[] plaintext) {
        Path file = DIR.resolve("sealed.sbdr");
        try (OutputStream out = ArchiveCipher.encrypt(Files.newOutputStream(file), PASS, PARAMS)) {
            out.write(plaintext);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Fuzzing.refusedOnlyAs(() -> DrArchive.verify(file, PASS));
    }
}
