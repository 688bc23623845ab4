package io.seedbootstrap.pki.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes inventories for PKI tests: RSA 2048 (pki.rsaKeyBits) keeps key generation fast; the
 * product default stays 4096.
 */
final class TestInventory {
    String rancherHost = "rancher.lab.example.internal";
    String argocdHost = "argocd.lab.example.internal";
    String passphraseVariable;
    String siteBlock;
    Integer leafDays;
    Integer warningDays;
    String dir = "./pki";

    TestInventory passphrase(String variable) {
        this.passphraseVariable = variable;
        return this;
    }

    TestInventory site(String block) {
        this.siteBlock = block;
        return this;
    }

    Path write(Path directory) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "cluster:",
                "  name: seed-lab",
                "  rke2Version: v1.35.7+rke2r1",
                "pki:",
                "  dir: " + dir,
                "  organization: Example Corp",
                "  rsaKeyBits: 2048"));
        if (passphraseVariable != null) {
            lines.add("  rootKeyPassphrase: ${" + passphraseVariable + "}");
        }
        if (warningDays != null) {
            lines.add("  expiryWarningDays: " + warningDays);
        }
        if (leafDays != null) {
            lines.add("  validity: {leafDays: " + leafDays + "}");
        }
        if (siteBlock != null) {
            lines.add("  site:");
            siteBlock.lines().forEach(l -> lines.add("    " + l));
        }
        lines.add("apps:");
        lines.add(rancherHost == null ? "  rancher: {enabled: false}" : "  rancher: {hostname: \"" + rancherHost + "\"}");
        lines.add(argocdHost == null ? "  argocd: {enabled: false}" : "  argocd: {hostname: \"" + argocdHost + "\"}");
        lines.addAll(List.of(
                "hosts:",
                "  - name: seed-1",
                "    address: 192.0.2.10",
                "    role: server"));
        Path file = directory.resolve("inventory.yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }
}
