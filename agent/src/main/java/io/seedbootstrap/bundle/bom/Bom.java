package io.seedbootstrap.bundle.bom;

import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Required;
import java.util.List;

/**
 * A bill of materials (docs/formats.md "Bill of materials"): one RKE2 release line with the
 * charts, images and lists a bundle for it carries, each with version, source URL and sha256.
 * Bound by the inventory's {@link io.seedbootstrap.bind.Binder}, so BOM errors carry
 * file:line:column like inventory errors, and the JSON Schema comes from the same annotations.
 */
@Doc("A seed-bootstrap bill of materials: the pinned contents of an offline bundle for one RKE2 release line.")
public record Bom(
        @Doc("Format version of this file: seed-bootstrap/bom-v1.") @Required String apiVersion,
        @Doc("Name of the release line, e.g. rke2-v1.35; letters, digits, '.', '-' and '_'.") @Required String name,
        @Doc("What this BOM is for, for people.") String description,
        @Doc("The RKE2 release and its artifacts (contract A.1).") @Required BomRke2 rke2,
        @Doc("Helm charts (cert-manager, rancher, argo-cd, metallb) with the images they need.") List<BomChart> charts,
        @Doc("Upstream image lists carried for mirroring into a site registry (e.g. rancher-images.txt).") List<BomList> lists,
        @Doc("Optional platform catalog: services ArgoCD installs on clusters that opt in; bundle push puts their charts into the "
                + "site registry as OCI charts and their images beside the others.") List<BomCatalogEntry> catalog) {

    /** The catalog entries, never null. */
    public List<BomCatalogEntry> catalogEntries() {
        return catalog == null ? List.of() : catalog;
    }

    /** The catalog entry of this name. */
    public java.util.Optional<BomCatalogEntry> catalogEntry(String name) {
        return catalogEntries().stream().filter(e -> name.equals(e.name())).findFirst();
    }
}
