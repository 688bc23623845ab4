package io.seedbootstrap.pki.ca;

import java.util.List;

/**
 * The outcome of `pki init` (and `pki import-signed`): what happened to each file, the manifest
 * written, and what the operator must do next. No secret values.
 */
public record InitReport(
        String dir,
        String cluster,
        String siteSource,
        String clusterRootFingerprint,
        String siteRootFingerprint,
        String previousPkiMovedTo,
        List<FileAction> actions,
        List<String> warnings,
        List<String> notes,
        Manifest manifest) {}
