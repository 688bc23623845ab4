package io.seedbootstrap.inventory.model;

import com.fasterxml.jackson.annotation.JsonValue;
import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Range;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.support.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The seed applications (contract E, F, G). */
public record Apps(
        @Doc("cert-manager and the site's ClusterIssuer.") CertManager certManager,
        @Doc("Rancher, fronting every other cluster.") Rancher rancher,
        @Doc("ArgoCD, pushing platform components to clusters by label.") ArgoCd argocd,
        @Doc("Platform components ArgoCD installs on every cluster labelled app/<name>: install.") List<Component> components,
        @Doc("Labels of the seed itself as an ArgoCD cluster (e.g. app/cert-manager: install).") @Format(TextFormat.LABEL_KEY) Map<String, String> seedLabels,
        @Doc("Annotations of the seed itself as an ArgoCD cluster: the per-cluster values catalog entries read from annotations "
                + "(e.g. catalog.seed-bootstrap.io/traefik-load-balancer-ip: 10.0.10.240); each one the BOM marks required must "
                + "be here when seedLabels has app/<name>: install.") @Format(TextFormat.ANNOTATION_KEY) Map<String, String> seedAnnotations,
        @Doc("The platform catalog: bundled charts (the BOM's catalog section, pushed to the site registry by bundle push) that "
                + "ArgoCD installs from the site registry on every cluster labelled app/<name>: install, one ApplicationSet each.")
        Catalog catalog) {

    public record CertManager(
            @Doc("Install cert-manager.") @Default("true") boolean enabled,
            @Doc("The ClusterIssuer to create.") Issuer issuer) {}

    public enum IssuerType {
        CA, VAULT;

        @JsonValue
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Issuer(
            @Doc("ClusterIssuer name.") @Default("site-ca") @Format(TextFormat.DNS_LABEL) String name,
            @Doc("ca (the PKI's site issuing CA) or vault.") @Default("ca") IssuerType type,
            @Doc("Vault settings (type: vault).") Vault vault) {}

    public record Vault(
            @Doc("Vault URL.") @Required @Format(TextFormat.URL) String server,
            @Doc("PKI sign endpoint, e.g. pki_int/sign/example-dot-com.") @Required String path,
            @Doc("CA bundle (PEM) for Vault's TLS certificate.") Path caFile,
            @Doc("CA certificate (PEM) of the Vault PKI that signs through path (its root, or the chain up to it). Required "
                    + "with Rancher: it becomes Rancher's tls-ca (privateCA), since cert-manager issues Rancher's ingress "
                    + "certificate from Vault.") Path pkiCaFile,
            @Doc("AppRole mount path.") @Default("approle") String appRolePath,
            @Doc("AppRole role id.") String roleId,
            @Doc("AppRole secret id; use ${ENV_VAR}.") Secret secretId) {}

    public record Rancher(
            @Doc("Install Rancher.") @Default("true") boolean enabled,
            @Doc("Rancher's FQDN; its certificate is issued from the site CA.") @Format(TextFormat.HOSTNAME) String hostname,
            @Doc("Initial admin password; use ${ENV_VAR}. Generated and saved 0600 locally when absent.") Secret bootstrapPassword,
            @Doc("Replicas; default min(3, servers).") @Range(min = 1, max = 10) Integer replicas) {}

    public record ArgoCd(
            @Doc("Install ArgoCD.") @Default("true") boolean enabled,
            @Doc("ArgoCD's FQDN.") @Format(TextFormat.HOSTNAME) String hostname,
            @Doc("Admin password; use ${ENV_VAR}. Stored bcrypt-hashed.") Secret adminPassword,
            @Doc("The site's Git repository the ApplicationSets read.") GitRepo repo) {}

    public record GitRepo(
            @Doc("Repository URL (https or ssh).") @Required @Format(TextFormat.URL) String url,
            @Doc("Path in the repository holding one folder per component.") @Default("components") String path,
            @Doc("Branch, tag or commit.") @Default("main") String revision,
            @Doc("User for https access.") String username,
            @Doc("Password or token for https access; use ${ENV_VAR}.") Secret password,
            @Doc("SSH private key file for ssh access.") Path sshPrivateKeyFile,
            @Doc("CA certificate (PEM) of the Git server.") Path caFile) {}

    public record Component(
            @Doc("Component name; clusters labelled app/<name>: install get it.") @Required @Format(TextFormat.DNS_LABEL) String name,
            @Doc("Namespace it is installed into (default: its name).") @Format(TextFormat.DNS_LABEL) String namespace,
            @Doc("Path in the Git repository (default: <repo.path>/<name>).") String path,
            @Doc("Sync wave ordering components (lower first).") @Default("0") @Range(min = -100, max = 100) int wave) {}

    /**
     * The platform catalog as the site uses it. {@code components} (above) are the site's own apps from its Git
     * repository, one ApplicationSet for all; catalog entries are charts of the bundle, from the site registry, one
     * ApplicationSet each. Both select clusters by the same label app/&lt;name&gt;: install, so a name is one or the other.
     */
    public record Catalog(
            @Doc("OCI chart repository of the site registry holding the catalog charts, host[:port]/path without oci:// "
                    + "(what bundle push prints). Default: <registries.systemDefaultRegistry>/charts.") String chartRepository,
            @Doc("The catalog entries to install (the bundle's BOM catalog names).") List<CatalogEntry> install,
            @Doc("external-secrets: the Vault its ClusterSecretStore reads.") ExternalSecrets externalSecrets,
            @Doc("Velero: where its BackupStorageLocation writes and its Schedule.") Velero velero) {}

    public record CatalogEntry(
            @Doc("Catalog entry name (the BOM's catalog[].name); clusters labelled app/<name>: install get it.") @Required
            @Format(TextFormat.DNS_LABEL) String name,
            @Doc("Namespace it is installed into (default: the BOM's, else its name).") @Format(TextFormat.DNS_LABEL) String namespace,
            @Doc("Site values merged over the BOM's default values (the same on every cluster).") Map<String, Object> values) {}

    public record ExternalSecrets(
            @Doc("Name of the ClusterSecretStore.") @Default("vault") @Format(TextFormat.DNS_LABEL) String storeName,
            @Doc("Vault URL; default: apps.certManager.issuer.vault.server.") @Format(TextFormat.URL) String server,
            @Doc("Mount path of the KV secrets engine.") @Default("secret") String path,
            @Doc("KV engine version, v1 or v2.") @Default("v2") String version,
            @Doc("AppRole mount path; default: apps.certManager.issuer.vault's.") String appRolePath,
            @Doc("AppRole role id; default: apps.certManager.issuer.vault.roleId.") String roleId,
            @Doc("AppRole secret id; use ${ENV_VAR}. Default: apps.certManager.issuer.vault.secretId.") Secret secretId,
            @Doc("CA certificate (PEM) of Vault's TLS certificate; default: the PKI's site root CA (Vault's certificate issued "
                    + "from the site PKI).") Path caFile) {}

    public record Velero(
            @Doc("S3 endpoint URL (MinIO or another S3-compatible store).") @Required @Format(TextFormat.URL) String s3Url,
            @Doc("Bucket the backups go to; each cluster writes under its own prefix (its ArgoCD cluster name).") @Required String bucket,
            @Doc("S3 region (MinIO accepts any).") @Default("minio") String region,
            @Doc("CA certificate (PEM) of the S3 endpoint's TLS certificate.") Path caFile,
            @Doc("S3 access key id; use ${ENV_VAR}.") @Required Secret accessKeyId,
            @Doc("S3 secret access key; use ${ENV_VAR}.") @Required Secret secretAccessKey,
            @Doc("Backup schedule (cron).") @Default("0 2 * * *") @Format(TextFormat.CRON) String schedule,
            @Doc("How long a scheduled backup is kept (a Go duration).") @Default("720h0m0s") String ttl) {}
}
