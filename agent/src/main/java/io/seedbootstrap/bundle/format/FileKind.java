package io.seedbootstrap.bundle.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** What a bundle file is, where it lives in the bundle and which hosts need it (docs/formats.md "Kinds"). */
public enum FileKind {
    RKE2_TARBALL("rke2", List.of(HostRole.SERVER, HostRole.AGENT)),
    RKE2_CHECKSUMS("rke2", List.of(HostRole.SERVER, HostRole.AGENT)),
    RKE2_INSTALL_SCRIPT("rke2", List.of(HostRole.SERVER, HostRole.AGENT)),
    RKE2_IMAGES("rke2", List.of(HostRole.SERVER, HostRole.AGENT)),
    CHART("charts", List.of(HostRole.BOOTSTRAP)),
    IMAGE_ARCHIVE("images", List.of(HostRole.SERVER, HostRole.AGENT)),
    IMAGE_LIST("lists", List.of()),
    /** A platform catalog chart (docs/formats.md "The platform catalog"): pushed to the site registry as an OCI chart, never sent to nodes. */
    CATALOG_CHART("catalog", List.of()),
    /** An image of a catalog chart: pushed to the site registry (clusters pull it from there), never sent to nodes. */
    CATALOG_IMAGE("catalog/images", List.of()),
    BOM("bom", List.of()),
    /** {@code --with-runtime}: the jlink-ed Java runtime for linux-x64, as a tar.gz (operator side). */
    RUNTIME("runtime", List.of()),
    /** {@code --with-runtime}: seed-bootstrap.jar itself. */
    JAR("runtime", List.of()),
    /** {@code --with-runtime}: seed-bootstrap.sh at the bundle root, run with sh. */
    LAUNCHER("", List.of());

    private final String directory;
    private final List<HostRole> roles;

    FileKind(String directory, List<HostRole> roles) {
        this.directory = directory;
        this.roles = roles;
    }

    /** The bundle directory files of this kind go to ("" for the bundle root). */
    public String directory() {
        return directory;
    }

    /** The hosts that need files of this kind. */
    public List<HostRole> roles() {
        return roles;
    }

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static FileKind ofKey(String key) {
        for (FileKind kind : values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown file kind \"" + key + "\"");
    }

    /** Who needs a bundle file: every server, every agent, or only the bootstrap server. */
    public enum HostRole {
        SERVER, AGENT, BOOTSTRAP;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static HostRole ofKey(String key) {
            for (HostRole role : values()) {
                if (role.key().equals(key)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("unknown role \"" + key + "\"");
        }
    }
}
