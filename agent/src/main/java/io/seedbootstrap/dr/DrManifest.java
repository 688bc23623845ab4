package io.seedbootstrap.dr;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Optional;

/**
 * The inner manifest of a DR archive (docs/formats.md "DR archive"): the last tar entry,
 * {@code manifest.json}, listing every other entry with its size and sha256, and what a restore
 * must know before it touches a host (the RKE2 version the snapshot came from, the cluster).
 *
 * @param format          {@link #FORMAT}; readers refuse other values
 * @param createdAt       UTC, ISO-8601
 * @param cluster         cluster.name of the inventory the backup was made with
 * @param rke2Version     the version the bootstrap server ran (restore refuses an older bundle, contract C)
 * @param bootstrapServer the inventory name of the server the snapshot was taken on
 * @param snapshot        the archive path of the etcd snapshot
 * @param rootKeys        whether the PKI's offline root/intermediate keys are inside
 * @param nodes           the Node names the cluster had when the snapshot was taken; null in archives
 *                        written before this field (restore --dry-run then cannot name the deletions)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record DrManifest(String format, String createdAt, String createdBy, String cluster, String rke2Version, String bootstrapServer,
        String snapshot, boolean rootKeys, List<String> nodes, List<Entry> files) {
    public static final String FORMAT = "seed-bootstrap-dr/v1";

    /** Archive paths of the parts a restore cannot do without. */
    public static final String SERVER_TOKEN = "rke2/token";
    public static final String AGENT_TOKEN = "pki/cluster/agent-token";
    public static final String PKI = "pki/";
    public static final String SNAPSHOTS = "snapshot/";
    public static final String INVENTORY = "inventory/";

    /** One archive entry. {@code kind}: see {@link Kind}. */
    public record Entry(String path, String kind, long size, String sha256, String mode) {}

    /** What an entry is. */
    public enum Kind {
        ETCD_SNAPSHOT("etcd-snapshot"), SERVER_TOKEN("server-token"), RKE2_CONFIG("rke2-config"), MANIFEST("rke2-manifest"),
        INVENTORY("inventory"), PKI("pki");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public Optional<Entry> entry(String path) {
        return files.stream().filter(e -> e.path().equals(path)).findFirst();
    }
}
