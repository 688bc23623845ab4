package io.seedbootstrap.inventory.ansible;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.LoadOptions;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Shared set-up for the Ansible inventory tests: a home with an SSH key, loading, rendering. */
final class AnsibleFixtures {
    static final Path GOOD = Path.of("src/test/resources/ansible/good");
    static final Path BAD = Path.of("src/test/resources/ansible/bad");

    private AnsibleFixtures() {}

    /** A home directory with ~/.ssh/id_ed25519 and ~/.ssh/known_hosts, as the good inventories expect. */
    static Path home(Path dir) {
        try {
            Path ssh = Files.createDirectories(dir.resolve("home/.ssh"));
            Files.writeString(ssh.resolve("id_ed25519"), "not a real key\n");
            Files.writeString(ssh.resolve("known_hosts"), "");
            return ssh.getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoadedInventory load(Path file, Map<String, String> environment, Path home) {
        return load(file, environment, home, LoadOptions.defaults());
    }

    static LoadedInventory load(Path file, Map<String, String> environment, Path home, LoadOptions options) {
        return new InventoryLoader(Environment.of(environment), home).load(file, options);
    }

    /** Every diagnostic as rendered, with the file's path written {file}. */
    static List<String> rendered(LoadedInventory loaded, Path file) {
        return loaded.diagnostics().stream().map(Diagnostic::render).map(line -> line.replace(file.toString(), "{file}")).toList();
    }

    /** Writes an inventory into dir and returns its path. */
    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
