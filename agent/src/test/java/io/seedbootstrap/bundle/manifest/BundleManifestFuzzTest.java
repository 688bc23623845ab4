package io.seedbootstrap.bundle.manifest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.bundle.BundleVerifier;
import io.seedbootstrap.bundle.Progress;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.pki.signing.Signatures;
import io.seedbootstrap.support.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Coverage-guided fuzzing of a bundle's manifest.json and manifest.json.sig as the verifier
 * reads them. {@code signedManifest}: the fuzzer's bytes signed by a key the test pins, so the
 * verifier goes past the signature into the manifest (paths, sizes, parts) and the files it
 * names. {@code signatureFile}: the fuzzer's bytes as the signature file of a fixed manifest.
 * Either way the verifier reports problems, never throws.
 */
class BundleManifestFuzzTest {
    private static final Path DIR = Fuzzing.scratch("bundle");
    private static final BundleSigningKey KEY = BundleSigningKey.generate();
    private static final BundleVerifier VERIFIER = new BundleVerifier(1, Progress.none());

    @FuzzTest(maxDuration = "60s")
    void signedManifest(byte[] manifest) {
        Fuzzing.write(DIR.resolve(SignatureFile.MANIFEST), manifest);
        SignatureFile signature = new SignatureFile(SignatureFile.FORMAT, Signatures.ALGORITHM,
                Base64.getEncoder().encodeToString(KEY.publicKey().getEncoded()),
                Base64.getEncoder().encodeToString(Signatures.sign(KEY.privateKey(), manifest)));
        Fuzzing.write(DIR.resolve(SignatureFile.SIGNATURE), ManifestCodec.writeSignature(signature));
        check(VERIFIER.verify(DIR, BundleVerifier.Trust.pinned(KEY.fingerprint(), "the fuzz test")));
    }

    @FuzzTest(maxDuration = "60s")
    void signatureFile(byte[] signature) {
        Fuzzing.write(DIR.resolve(SignatureFile.MANIFEST), "{\"format\":\"seed-bootstrap-bundle/v1\"}\n".getBytes(StandardCharsets.UTF_8));
        Fuzzing.write(DIR.resolve(SignatureFile.SIGNATURE), signature);
        check(VERIFIER.verify(DIR, BundleVerifier.Trust.none()));
        check(BundleVerifier.readSigned(DIR));
    }

    private static void check(BundleVerifier.Report report) {
        assertNotNull(report);
        report.problems().forEach(p -> assertFalse(p.message().isBlank(), "a problem says what is wrong"));
    }
}
