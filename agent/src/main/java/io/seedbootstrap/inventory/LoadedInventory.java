package io.seedbootstrap.inventory;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.model.Inventory;
import java.nio.file.Path;
import java.util.List;

/** The outcome of reading an inventory: the model (only when there are no errors) and every finding. */
public record LoadedInventory(Path file, SourceFormat format, Inventory inventory, List<Diagnostic> diagnostics) {
    public LoadedInventory {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return inventory != null && diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
