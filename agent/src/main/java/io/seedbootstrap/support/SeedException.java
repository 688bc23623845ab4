package io.seedbootstrap.support;

/**
 * The one exception type for controlled exits: a message a person can act on and the exit code
 * that goes with it. Main prints only the message (a stack trace only with --verbose).
 * Messages must never carry secrets; build them from names and paths, not values.
 */
public class SeedException extends RuntimeException {
    private final ExitCode exitCode;

    public SeedException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public SeedException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static SeedException badInput(String message) {
        return new SeedException(ExitCode.BAD_INPUT, message);
    }

    public static SeedException failed(String message, Throwable cause) {
        return new SeedException(ExitCode.FAILED, message, cause);
    }
}
