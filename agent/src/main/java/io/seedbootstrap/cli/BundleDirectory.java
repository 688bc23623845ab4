package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.manifest.SignatureFile;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.SeedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which bundle a command installs from: {@code --bundle DIR}; else, run by the bundle's own
 * launcher ({@code sh /media/usb/seed-bundle/seed-bootstrap.sh ...}), the directory the launcher
 * sits in ({@value #LAUNCHER_VARIABLE}, which the launcher sets); else the inventory's
 * {@code bundle.path}. A directory that holds no manifest.json is refused (exit 2) before any
 * host is contacted: it is not a bundle, whatever is wrong with it.
 */
record BundleDirectory(Path path, String source) {
    /** Set by seed-bootstrap.sh to the absolute directory it sits in (docs/formats.md "The launcher"). */
    static final String LAUNCHER_VARIABLE = "SEED_BOOTSTRAP_BUNDLE";

    static BundleDirectory resolve(Path option, Environment environment, Inventory inventory, Path inventoryFile) {
        BundleDirectory chosen;
        if (option != null) {
            chosen = new BundleDirectory(option, "--bundle");
        } else if (environment.get(LAUNCHER_VARIABLE).filter(s -> !s.isBlank()).isPresent()) {
            chosen = new BundleDirectory(Path.of(environment.get(LAUNCHER_VARIABLE).get()), "the directory of the launcher seed-bootstrap.sh");
        } else if (inventory.bundle() != null && inventory.bundle().path() != null) {
            chosen = new BundleDirectory(inventory.bundle().path(), "bundle.path in " + inventoryFile);
        } else {
            throw SeedException.badInput(inventoryFile + ": bundle.path is not set; give the bundle directory there or with --bundle DIR");
        }
        if (!Files.isDirectory(chosen.path())) {
            throw SeedException.badInput(chosen.path() + " (" + chosen.source() + ") is not a directory; give the bundle's directory "
                    + "(the one holding " + SignatureFile.MANIFEST + " and " + SignatureFile.SIGNATURE + ")");
        }
        if (!Files.isRegularFile(chosen.path().resolve(SignatureFile.MANIFEST))) {
            throw SeedException.badInput(chosen.path() + " (" + chosen.source() + ") is not a seed-bootstrap bundle: it holds no "
                    + SignatureFile.MANIFEST + "; give the bundle's directory (the one holding " + SignatureFile.MANIFEST + " and "
                    + SignatureFile.SIGNATURE + ", made by bundle create)");
        }
        return chosen;
    }
}
