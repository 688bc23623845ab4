package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.inventory.model.Cni;

@Doc("One RKE2 release artifact.")
public record BomArtifact(
        @Doc("File name exactly as RKE2 publishes it, e.g. rke2.linux-amd64.tar.gz.") @Required String file,
        @Doc("What the artifact is.") @Required Rke2ArtifactKind kind,
        @Doc("For CNI-specific image archives: the CNI they hold images for.") Cni cni,
        @Doc("Where the artifact is downloaded from.") @Required @Format(TextFormat.URL) String url,
        @Doc("SHA-256 of the file; null while unknown (scripts/refresh-bom.sh fills it). Never guessed.")
        @Format(TextFormat.SHA256_HEX) String sha256) {}
