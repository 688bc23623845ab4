package io.seedbootstrap.preflight;

import io.seedbootstrap.support.ExitCode;
import io.seedbootstrap.support.SeedException;
import java.util.List;
import java.util.Optional;

/** Every row of one preflight run, host by host in inventory order, checks in {@link Check} order. */
public record PreflightReport(List<CheckResult> results) {
    public PreflightReport {
        results = List.copyOf(results);
    }

    /** True when any check failed (the run must not go on; exit 3). */
    public boolean failed() {
        return results.stream().anyMatch(r -> r.result() == Result.FAIL);
    }

    public List<CheckResult> failures() {
        return with(Result.FAIL);
    }

    public List<CheckResult> warnings() {
        return with(Result.WARN);
    }

    public List<CheckResult> with(Result result) {
        return results.stream().filter(r -> r.result() == result).toList();
    }

    public Optional<CheckResult> find(String host, Check check) {
        return results.stream().filter(r -> r.host().equals(host) && r.check() == check).findFirst();
    }

    /** Throws {@link ExitCode#UNEXPECTED_STATE} listing every failure, for callers that stop on one (install). */
    public void requirePassed() {
        List<CheckResult> failures = failures();
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("preflight failed: ").append(failures.size()).append(" check(s)");
        for (CheckResult f : failures) {
            message.append("\n  ").append(f.host()).append(" ").append(f.check().key()).append(": ").append(f.detail());
        }
        throw new SeedException(ExitCode.UNEXPECTED_STATE, message.toString());
    }
}
