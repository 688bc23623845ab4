package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;

@Doc("A container image, by tag and (when known) by digest.")
public record BomImage(
        @Doc("Fully qualified image reference with a tag, e.g. quay.io/jetstack/cert-manager-controller:v1.20.3.") @Required String ref,
        @Doc("Manifest digest (sha256:...); null while unknown (scripts/refresh-bom.sh fills it). Never guessed.")
        @Format(TextFormat.IMAGE_DIGEST) String digest) {

    /** The reference with its digest when pinned: registry/repo:tag@sha256:... */
    public String pinnedRef() {
        return digest == null ? ref : ref + "@" + digest;
    }
}
