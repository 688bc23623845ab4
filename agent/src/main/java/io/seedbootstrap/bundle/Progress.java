package io.seedbootstrap.bundle;

/**
 * Where long operations (copying, hashing) report how far they are. Called from several
 * threads at once; implementations must be thread-safe. The CLI prints to stderr.
 */
public interface Progress {
    /** A new phase: what it does, how many bytes and files it will go through. */
    void begin(String what, long totalBytes, int files);

    /** Some bytes were processed (from any thread). */
    void advance(long bytes);

    /** The phase ended (successfully or not). */
    void end();

    static Progress none() {
        return new Progress() {
            @Override
            public void begin(String what, long totalBytes, int files) {}

            @Override
            public void advance(long bytes) {}

            @Override
            public void end() {}
        };
    }
}
