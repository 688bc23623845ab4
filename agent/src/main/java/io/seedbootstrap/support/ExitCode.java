package io.seedbootstrap.support;

/** The documented exit codes of every seed-bootstrap command (README "Exit codes"). */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the operation failed (a host command, a transfer, a verification)"),
    BAD_INPUT(2, "bad usage or invalid input (command line, inventory, bundle, PKI files)"),
    UNEXPECTED_STATE(3, "preflight failed or a host is in an unexpected state"),
    INTERNAL(4, "internal error (a bug, or Java out of memory/stack: please report it with the --verbose output)"),
    INTERRUPTED(130, "interrupted (Ctrl-C)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
