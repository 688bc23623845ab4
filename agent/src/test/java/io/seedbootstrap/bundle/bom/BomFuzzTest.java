package io.seedbootstrap.bundle.bom;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.support.Fuzzing;
import java.nio.file.Path;

/** Coverage-guided fuzzing of the bill-of-materials reader: a loaded BOM or one bad-input refusal (exit 2) listing every error. */
class BomFuzzTest {
    private static final Path DIR = Fuzzing.scratch("bom");

    @FuzzTest(maxDuration = "60s")
    void bom(byte[] input) {
        Path file = DIR.resolve("bom.yaml");
        Fuzzing.write(file, input);
        Fuzzing.refusedOnlyAs(() -> new BomLoader().load(file));
    }
}
