package io.seedbootstrap.preflight;

import java.util.Objects;

/**
 * One row of a preflight report.
 *
 * @param host   inventory name of the host checked
 * @param check  what was checked
 * @param result PASS, WARN, FAIL or SKIPPED
 * @param detail what was found and, for WARN and FAIL, what to do
 */
public record CheckResult(String host, Check check, Result result, String detail) {
    public CheckResult {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(detail, "detail");
    }

    static CheckResult pass(String host, Check check, String detail) {
        return new CheckResult(host, check, Result.PASS, detail);
    }

    static CheckResult warn(String host, Check check, String detail) {
        return new CheckResult(host, check, Result.WARN, detail);
    }

    static CheckResult fail(String host, Check check, String detail) {
        return new CheckResult(host, check, Result.FAIL, detail);
    }

    static CheckResult skipped(String host, Check check, String detail) {
        return new CheckResult(host, check, Result.SKIPPED, detail);
    }
}
