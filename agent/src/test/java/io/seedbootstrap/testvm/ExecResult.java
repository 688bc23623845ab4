package io.seedbootstrap.testvm;

/** Outcome of a command run inside a test machine through {@code docker exec}. */
public record ExecResult(int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result, or throws with the command's output when it exited non-zero. */
    public ExecResult orThrow(String what) {
        if (!ok()) {
            throw new IllegalStateException(what + " exited " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr);
        }
        return this;
    }
}
