package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.inventory.Diagnostics;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.source.RawNode;
import java.nio.file.Path;

/**
 * Turns an Ansible inventory (INI or YAML) into the raw tree of our format, with positions
 * pointing into the Ansible file, so the one binder and validator check it.
 * (Being written; see the inventory issue.)
 */
public final class AnsibleInventoryConverter {
    private AnsibleInventoryConverter() {}

    public static RawNode fromIni(Path file, String text, LoadOptions options, Diagnostics diagnostics) {
        throw new UnsupportedOperationException("Ansible INI inventories: not yet");
    }

    public static RawNode fromYaml(RawNode root, LoadOptions options, Diagnostics diagnostics) {
        throw new UnsupportedOperationException("Ansible YAML inventories: not yet");
    }
}
