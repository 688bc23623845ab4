package io.seedbootstrap.pki.ca;

/** The five CAs RKE2 reads from server/tls/ on the first server's first start (contract B.1). */
public enum Rke2Ca {
    SERVER("server-ca"),
    CLIENT("client-ca"),
    REQUEST_HEADER("request-header-ca"),
    ETCD_PEER("etcd/peer-ca"),
    ETCD_SERVER("etcd/server-ca");

    private final String stem;

    Rke2Ca(String stem) {
        this.stem = stem;
    }

    /** Path below server/tls/ without extension, e.g. {@code etcd/peer-ca}. */
    public String stem() {
        return stem;
    }

    /** rke2-server-ca, rke2-etcd-peer-ca...: the CN prefix generate-custom-ca-certs.sh uses (B.2). */
    public String baseName() {
        return "rke2-" + stem.replace('/', '-');
    }

    public FileKind certificateKind() {
        return FileKind.valueOf("RKE2_" + name() + "_CA");
    }
}
