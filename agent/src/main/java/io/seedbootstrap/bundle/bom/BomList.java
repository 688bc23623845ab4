package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;

@Doc("An upstream image list, carried for mirroring images into a site registry.")
public record BomList(
        @Doc("File name, e.g. rancher-images.txt.") @Required String file,
        @Doc("The component it belongs to, e.g. rancher.") @Required String component,
        @Doc("The component's version.") @Required String version,
        @Doc("Where the list is downloaded from.") @Required @Format(TextFormat.URL) String url,
        @Doc("SHA-256 of the file; null while unknown. Never guessed.") @Format(TextFormat.SHA256_HEX) String sha256) {}
