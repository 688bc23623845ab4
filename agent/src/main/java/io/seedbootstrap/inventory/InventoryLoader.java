package io.seedbootstrap.inventory;

import io.seedbootstrap.bind.Binder;
import io.seedbootstrap.bind.Diagnostics;
import io.seedbootstrap.bind.source.Position;
import io.seedbootstrap.bind.source.RawNode.RawMap;
import io.seedbootstrap.bind.source.RawNode;
import io.seedbootstrap.bind.source.YamlSource;
import io.seedbootstrap.inventory.ansible.AnsibleInventoryConverter;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an inventory in any supported format (ours, Ansible INI, Ansible YAML), applies the
 * settings overlay, binds and validates it, and returns every finding at once.
 */
public final class InventoryLoader {
    public static final String API_VERSION = Inventory.API_VERSION;

    private final Environment environment;
    private final Path homeDirectory;

    public InventoryLoader(Environment environment, Path homeDirectory) {
        this.environment = environment;
        this.homeDirectory = homeDirectory;
    }

    public LoadedInventory load(Path file, LoadOptions options) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw SeedException.badInput(file + ": no such file; give the path of an inventory (YAML or Ansible INI)");
        }
        if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
            throw SeedException.badInput(file + ": not a readable file; check the path and its permissions");
        }
        Diagnostics diagnostics = new Diagnostics();
        Path display = displayPath(file);
        String text = readText(absolute, file);
        SourceFormat format = detect(absolute, text);
        RawNode root;
        if (format == SourceFormat.SEED_YAML || format == SourceFormat.ANSIBLE_YAML) {
            YamlSource.Parsed parsed = YamlSource.parse(display, text);
            if (parsed.error() != null) {
                diagnostics.error(parsed.error().position(), "", parsed.error().message());
                return new LoadedInventory(file, format, null, diagnostics.sorted());
            }
            root = parsed.root();
            if (format == SourceFormat.ANSIBLE_YAML) {
                root = AnsibleInventoryConverter.fromYaml(root, options.groupRoles(), options.settingsOverlay(), diagnostics);
            }
        } else {
            root = AnsibleInventoryConverter.fromIni(display, text, options.groupRoles(), options.settingsOverlay(), diagnostics);
        }
        if (root != null && options.settingsOverlay() != null) { // null: syntax errors, reported already
            root = overlay(root, readOverlay(options.settingsOverlay(), diagnostics));
        }
        if (root == null) {
            return new LoadedInventory(file, format, null, diagnostics.sorted());
        }
        Binder binder = new Binder(environment, absolute.getParent(), homeDirectory, diagnostics);
        Inventory inventory = binder.bind(root, Inventory.class);
        if (inventory.apiVersion() != null && !API_VERSION.equals(inventory.apiVersion())) {
            diagnostics.error(binder.positions().getOrDefault("apiVersion", Position.unknown(display)), "apiVersion",
                    "\"" + inventory.apiVersion() + "\" is not a version this seed-bootstrap reads; use " + API_VERSION);
        }
        if (inventory.cluster() != null && inventory.hosts() != null) {
            InventoryValidator.validate(inventory, binder.positions(), binder.explicitPaths(), diagnostics, display);
        }
        return new LoadedInventory(file, format, diagnostics.hasErrors() ? null : inventory, diagnostics.sorted());
    }

    /** Loads or throws one {@link SeedException} (exit 2) carrying every error. */
    public LoadedInventory loadOrThrow(Path file, LoadOptions options) {
        LoadedInventory loaded = load(file, options);
        if (!loaded.ok()) {
            throw new InvalidInventoryException(loaded);
        }
        return loaded;
    }

    /** An inventory (ours or Ansible's) is a small text file; the YAML reader has the same limit. */
    static final long MAX_BYTES = 8L << 20;

    private static String readText(Path absolute, Path shown) {
        try {
            if (Files.size(absolute) > MAX_BYTES) {
                throw SeedException.badInput(shown + ": larger than " + (MAX_BYTES >> 20) + " MiB; an inventory is a small YAML or INI "
                        + "text file");
            }
            return Files.readString(absolute, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw SeedException.badInput(shown + ": not UTF-8 text; an inventory is a YAML or INI text file");
        } catch (IOException e) {
            throw SeedException.badInput(shown + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * Ours: YAML whose top level has cluster/hosts/apiVersion. Ansible YAML: top-level groups
     * (all, or any group with hosts/children/vars). Anything else is read as Ansible INI.
     */
    static SourceFormat detect(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yamlName = name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
        String firstLine = text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith(";") && !l.equals("---"))
                .findFirst().orElse("");
        if (!yamlName && firstLine.matches("^\\[[^\\]]+\\]\\s*([;#].*)?$")) {
            return SourceFormat.ANSIBLE_INI;
        }
        YamlSource.Parsed parsed = YamlSource.parse(file, text);
        if (parsed.root() instanceof RawMap map) {
            Set<String> ours = Set.of("apiVersion", "cluster", "hosts", "ssh", "bundle", "pki", "apps", "rke2");
            if (map.entries().keySet().stream().anyMatch(ours::contains)
                    && !(map.entries().get("hosts") != null && map.entries().get("hosts").value() instanceof RawMap)) {
                return SourceFormat.SEED_YAML;
            }
            boolean groups = !map.entries().isEmpty() && map.entries().values().stream().allMatch(e -> isAnsibleGroup(e.value()));
            if (groups) {
                return SourceFormat.ANSIBLE_YAML;
            }
            return SourceFormat.SEED_YAML; // let the binder explain what is wrong
        }
        return yamlName ? SourceFormat.SEED_YAML : SourceFormat.ANSIBLE_INI;
    }

    private static boolean isAnsibleGroup(RawNode node) {
        if (node instanceof RawNode.RawScalar scalar) {
            return scalar.kind() == RawNode.RawScalar.Kind.NULL;
        }
        return node instanceof RawMap group && !group.entries().isEmpty()
                && Set.of("hosts", "children", "vars").containsAll(group.entries().keySet());
    }

    private RawNode readOverlay(Path overlay, Diagnostics diagnostics) {
        if (!Files.isReadable(overlay)) {
            throw SeedException.badInput(overlay + ": settings file not found or not readable");
        }
        YamlSource.Parsed parsed = YamlSource.read(displayPath(overlay));
        if (parsed.error() != null) {
            diagnostics.error(parsed.error().position(), "", parsed.error().message());
            return null;
        }
        return parsed.root();
    }

    /** Deep merge: maps merge key by key, anything else in the overlay replaces the base. */
    static RawNode overlay(RawNode base, RawNode top) {
        if (top == null) {
            return base;
        }
        if (base instanceof RawMap baseMap && top instanceof RawMap topMap) {
            Map<String, RawNode.Entry> merged = new LinkedHashMap<>(baseMap.entries());
            for (RawNode.Entry entry : topMap.entries().values()) {
                RawNode.Entry existing = merged.get(entry.key());
                merged.put(entry.key(), existing == null ? entry
                        : new RawNode.Entry(entry.key(), entry.keyPosition(), overlay(existing.value(), entry.value())));
            }
            return new RawMap(baseMap.position(), merged, baseMap.duplicates());
        }
        return top;
    }

    /** Paths in messages as the operator typed them (relative stays relative). */
    private static Path displayPath(Path file) {
        return file.normalize();
    }

    /** An inventory with errors: the CLI prints every diagnostic, then exits 2. */
    public static final class InvalidInventoryException extends SeedException {
        private final transient LoadedInventory loaded;

        public InvalidInventoryException(LoadedInventory loaded) {
            super(io.seedbootstrap.support.ExitCode.BAD_INPUT, loaded.file() + ": " + loaded.errors().size()
                    + (loaded.errors().size() == 1 ? " error; fix it" : " errors; fix them") + " and run again");
            this.loaded = loaded;
        }

        public LoadedInventory loaded() {
            return loaded;
        }
    }
}
