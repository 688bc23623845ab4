package io.seedbootstrap.pki.ca;

import io.seedbootstrap.inventory.model.Apps;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.inventory.model.Pki;
import io.seedbootstrap.support.Secret;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything the PKI commands need from an inventory. */
public record PkiSettings(
        Path dir,
        String clusterName,
        String organization,
        Secret rootKeyPassphrase,
        Pki.SiteCaSource siteSource,
        Path siteCertFile,
        Path siteKeyFile,
        Secret siteKeyPassphrase,
        int expiryWarningDays,
        int rsaKeyBits,
        Pki.Validity validity,
        List<LeafRequest> leaves) {

    public PkiSettings {
        leaves = List.copyOf(leaves);
    }

    /**
     * @param inventoryFile named in the error when a host name cannot be a certificate name
     */
    public static PkiSettings from(Inventory inventory, Path inventoryFile) {
        Pki pki = inventory.pki();
        List<LeafRequest> leaves = new ArrayList<>();
        Apps apps = inventory.apps();
        if (apps != null && apps.rancher() != null && apps.rancher().enabled()) {
            add(leaves, LeafPurpose.RANCHER, apps.rancher().hostname(), inventoryFile);
        }
        if (apps != null && apps.argocd() != null && apps.argocd().enabled()) {
            add(leaves, LeafPurpose.ARGOCD, apps.argocd().hostname(), inventoryFile);
        }
        Pki.SiteCa site = pki.site();
        return new PkiSettings(pki.dir(), inventory.cluster().name(), pki.organization(), pki.rootKeyPassphrase(), site.source(),
                site.certFile(), site.keyFile(), site.keyPassphrase(), pki.expiryWarningDays(), pki.rsaKeyBits(), pki.validity(), leaves);
    }

    private static void add(List<LeafRequest> leaves, LeafPurpose purpose, String hostname, Path inventoryFile) {
        if (hostname == null) {
            return;
        }
        LeafRequest request = leaf(purpose, hostname, inventoryFile);
        if (leaves.stream().noneMatch(l -> l.hostname().equals(request.hostname()))) {
            leaves.add(request);
        }
    }

    /** The request for a host name's certificate, or a bad-input error naming the inventory key. */
    static LeafRequest leaf(LeafPurpose purpose, String hostname, Path inventoryFile) {
        Optional<String> problem = DnsNames.problem(hostname);
        if (problem.isPresent()) {
            throw SeedException.badInput(inventoryFile + ": " + purpose.setting() + " \"" + hostname + "\" cannot be a certificate's DNS name: "
                    + problem.get() + "; write a host name such as rancher.example.internal");
        }
        return new LeafRequest(purpose, DnsNames.canonical(hostname));
    }

    /** The same settings with the root key passphrase given another way (asked on the terminal). */
    public PkiSettings withRootKeyPassphrase(Secret passphrase) {
        return new PkiSettings(dir, clusterName, organization, passphrase, siteSource, siteCertFile, siteKeyFile, siteKeyPassphrase,
                expiryWarningDays, rsaKeyBits, validity, leaves);
    }

    public PkiLayout layout() {
        return new PkiLayout(dir);
    }
}
