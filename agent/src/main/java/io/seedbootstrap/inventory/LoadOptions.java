package io.seedbootstrap.inventory;

import io.seedbootstrap.inventory.model.Role;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to read an inventory: an optional settings overlay in our format (for what an Ansible
 * inventory cannot say) and custom Ansible group names mapped to roles.
 */
public record LoadOptions(Path settingsOverlay, Map<String, Role> groupRoles) {
    public LoadOptions {
        groupRoles = Map.copyOf(groupRoles);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(null, Map.of());
    }
}
