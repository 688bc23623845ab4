package io.seedbootstrap.pki.ca;

import java.nio.file.Path;

/**
 * One file the PKI directory may hold: where, what, and for a private key the certificate (or
 * request) it belongs to.
 */
record KnownFile(Path path, FileKind kind, String hostname, Path pairedWith) {}
