package io.seedbootstrap.preflight;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report as a text table (HOST CHECK RESULT DETAIL) and as plain maps for JSON. */
public final class PreflightTable {
    private PreflightTable() {}

    public static String render(PreflightReport report) {
        List<CheckResult> rows = report.results();
        int host = "HOST".length();
        int check = "CHECK".length();
        for (CheckResult r : rows) {
            host = Math.max(host, r.host().length());
            check = Math.max(check, r.check().key().length());
        }
        String format = "%-" + host + "s  %-" + check + "s  %-7s  %s%n";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format, "HOST", "CHECK", "RESULT", "DETAIL"));
        for (CheckResult r : rows) {
            out.append(String.format(Locale.ROOT, format, r.host(), r.check().key(), r.result().name(), r.detail()));
        }
        return out.append(summary(report)).append('\n').toString();
    }

    /** {@code preflight failed: 2 failure(s), 1 warning(s) on 3 host(s)} or {@code preflight passed: ...}. */
    public static String summary(PreflightReport report) {
        long hosts = report.results().stream().map(CheckResult::host).distinct().count();
        return "preflight " + (report.failed() ? "failed" : "passed") + ": " + report.failures().size() + " failure(s), "
                + report.warnings().size() + " warning(s) on " + hosts + " host(s)";
    }

    /** {@code {passed, failures, warnings, results: [{host, check, result, detail}]}}. */
    public static Map<String, Object> toMap(PreflightReport report) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("passed", !report.failed());
        map.put("failures", report.failures().size());
        map.put("warnings", report.warnings().size());
        map.put("results", report.results().stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("host", r.host());
            row.put("check", r.check().key());
            row.put("result", r.result().name().toLowerCase(Locale.ROOT));
            row.put("detail", r.detail());
            return row;
        }).toList());
        return map;
    }
}
