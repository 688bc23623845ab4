package io.seedbootstrap.pki.ca;

/** What a site leaf certificate is for, and the inventory key that names its host. */
public enum LeafPurpose {
    RANCHER("apps.rancher.hostname", FileKind.RANCHER_TLS),
    ARGOCD("apps.argocd.hostname", FileKind.ARGOCD_TLS);

    private final String setting;
    private final FileKind kind;

    LeafPurpose(String setting, FileKind kind) {
        this.setting = setting;
        this.kind = kind;
    }

    public String setting() {
        return setting;
    }

    public FileKind kind() {
        return kind;
    }
}
