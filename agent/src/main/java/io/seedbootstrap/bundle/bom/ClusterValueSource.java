package io.seedbootstrap.bundle.bom;

/** Where a per-cluster value is read from on the cluster's ArgoCD cluster Secret. */
public enum ClusterValueSource {
    /** metadata.labels[key] */
    LABEL,
    /** metadata.annotations[key] */
    ANNOTATION
}
