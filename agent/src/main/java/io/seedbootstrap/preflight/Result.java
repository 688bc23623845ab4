package io.seedbootstrap.preflight;

/** The outcome of one check on one host. Only FAIL fails the preflight. */
public enum Result {
    PASS, WARN, FAIL, SKIPPED
}
