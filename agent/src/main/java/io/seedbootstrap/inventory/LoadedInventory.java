package io.seedbootstrap.inventory;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.inventory.model.Inventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of reading an inventory: the model (only when there are no errors) and every finding.
 *
 * @param positions     where each path of the model was read from (file:line of the inventory, of an
 *                      Ansible group_vars/host_vars file or of the --settings file), as the binder saw it
 * @param explicitPaths the paths the input set; every other value is a default
 */
public record LoadedInventory(Path file, SourceFormat format, Inventory inventory, List<Diagnostic> diagnostics,
        Map<String, Position> positions, Set<String> explicitPaths) {
    public LoadedInventory {
        diagnostics = List.copyOf(diagnostics);
        positions = Map.copyOf(positions);
        explicitPaths = Set.copyOf(explicitPaths);
    }

    public LoadedInventory(Path file, SourceFormat format, Inventory inventory, List<Diagnostic> diagnostics) {
        this(file, format, inventory, diagnostics, Map.of(), Set.of());
    }

    public boolean ok() {
        return inventory != null && diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
