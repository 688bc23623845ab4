package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.inventory.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns an Ansible inventory (INI or YAML) into the raw tree of our format, with positions
 * pointing into the Ansible file, so the one binder and validator check it.
 *
 * <p>Two steps: the syntax ({@link IniInventoryParser} or {@link YamlInventoryReader}) gives an
 * {@link AnsibleInventory} of groups, hosts and variables as Ansible would see them; the
 * {@link InventoryMapper} gives our tree (roles from groups, variables to fields, see
 * {@link AnsibleVariables}). A syntax error stops after the first step: every syntax error of the
 * file is reported, and null is returned so no follow-on errors pile up.
 */
public final class AnsibleInventoryConverter {
    private AnsibleInventoryConverter() {}

    /**
     * @param groupRoles       custom Ansible group names mapped to roles
     * @param settingsOverlay  the --settings file in our format, or null
     */
    public static RawNode fromIni(Path file, String text, Map<String, Role> groupRoles, Path settingsOverlay,
            Diagnostics diagnostics) {
        AnsibleInventory.Parsed parsed = IniInventoryParser.parse(file, text, diagnostics);
        return parsed.ok() ? InventoryMapper.map(parsed.inventory(), groupRoles, settings(settingsOverlay), diagnostics) : null;
    }

    public static RawNode fromYaml(RawNode root, Map<String, Role> groupRoles, Path settingsOverlay, Diagnostics diagnostics) {
        AnsibleInventory.Parsed parsed = YamlInventoryReader.read(root, diagnostics);
        return parsed.ok() ? InventoryMapper.map(parsed.inventory(), groupRoles, settings(settingsOverlay), diagnostics) : null;
    }

    /** Whether the --settings overlay sets a dotted path, so hints about that path can be left out. */
    private static Predicate<String> settings(Path overlay) {
        if (overlay == null || !Files.isReadable(overlay)) {
            return path -> false;
        }
        RawNode root = YamlSource.read(overlay).root();
        return path -> {
            RawNode node = root;
            for (String key : path.split("\\.")) {
                if (!(node instanceof RawNode.RawMap map) || !map.entries().containsKey(key)) {
                    return false;
                }
                node = map.entries().get(key).value();
            }
            return true;
        };
    }
}
