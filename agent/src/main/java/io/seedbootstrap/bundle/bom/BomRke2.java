package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Format;
import io.seedbootstrap.bind.Required;
import io.seedbootstrap.bind.TextFormat;
import io.seedbootstrap.bundle.format.Arch;
import java.util.List;

@Doc("An RKE2 release and the artifacts of it a bundle carries.")
public record BomRke2(
        @Doc("The RKE2 release, e.g. v1.35.7+rke2r1; inventories must ask for the same.") @Required @Format(TextFormat.RKE2_VERSION) String version,
        @Doc("Architecture of the artifacts.") @Required Arch arch,
        @Doc("Release artifacts under their exact upstream names (contract A.1).") @Required List<BomArtifact> artifacts) {}
