package io.seedbootstrap.cli;

import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.model.Role;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options for reading an inventory, shared by every command that takes one. */
public final class InventoryOptions {
    @Option(names = "--settings", paramLabel = "FILE",
            description = "Settings in seed-bootstrap's format laid over the inventory (what an Ansible inventory cannot say: "
                    + "cluster, bundle, pki, apps...).")
    Path settings;

    @Option(names = "--group-role", paramLabel = "GROUP=ROLE",
            description = "Treat hosts of this Ansible group as ROLE (server or agent), for groups with custom names. Repeatable.")
    Map<String, Role> groupRoles = new LinkedHashMap<>();

    public LoadOptions toLoadOptions() {
        return new LoadOptions(settings, groupRoles);
    }
}
