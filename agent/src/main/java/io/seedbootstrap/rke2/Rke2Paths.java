package io.seedbootstrap.rke2;

/**
 * The well-known RKE2 paths seed-bootstrap writes or reads (contract A.4, B.1), and the files of
 * its own it adds beside them. One place, so a reader can check them against the contract.
 */
public final class Rke2Paths {
    private Rke2Paths() {}

    public static final String ETC = "/etc/rancher/rke2";
    /** A.4: the main config file; config.yaml.d is left to the operator. */
    public static final String CONFIG = ETC + "/config.yaml";
    /** A.6: read at start on every node. */
    public static final String REGISTRIES = ETC + "/registries.yaml";
    /** A.6: CA files registries.yaml's tls.ca_file points to. */
    public static final String REGISTRY_CERTS = ETC + "/certs";
    /** A.5 token-file: the join token in its own 0600 file, so config.yaml holds no secret and can be shown as a diff. */
    public static final String TOKEN_FILE = ETC + "/seed-bootstrap-token";
    /** A.5 agent-token-file, on servers only. */
    public static final String AGENT_TOKEN_FILE = ETC + "/seed-bootstrap-agent-token";
    /** A.9: our PodSecurity admission config (pod-security-admission-config-file) with the seed apps' exemptions. */
    public static final String POD_SECURITY_CONFIG = ETC + "/seed-bootstrap-pss.yaml";
    /** A.4: the admin kubeconfig RKE2 writes on servers. */
    public static final String ADMIN_KUBECONFIG = ETC + "/rke2.yaml";

    public static final String DATA = "/var/lib/rancher/rke2";
    /** B.1: custom CA files, read on the first start of the first server only. */
    public static final String SERVER_TLS = DATA + "/server/tls";
    /** A.4: the secure-format server token RKE2 writes once it has started. */
    public static final String SERVER_TOKEN = DATA + "/server/token";
    /** C: etcd's data; present once the server has started (then server/tls comes from the datastore). */
    public static final String ETCD_DATA = DATA + "/server/db/etcd";
    /** D: auto-deploy manifests, on the bootstrap server only (the folder is not synced). */
    public static final String MANIFESTS = DATA + "/server/manifests";
    /** A.3: image archives imported at every start. */
    public static final String AGENT_IMAGES = DATA + "/agent/images";
    /** A.4: kubectl, not on PATH. */
    public static final String KUBECTL = DATA + "/bin/kubectl";

    /** A.9: the CIS sysctl file the tarball ships, relative to the install prefix, and where it must be copied. */
    public static final String CIS_SYSCTL_SOURCE = "share/rke2/rke2-cis-sysctl.conf";
    public static final String CIS_SYSCTL_TARGET = "/etc/sysctl.d/60-rke2-cis.conf";
}
