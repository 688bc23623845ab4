package io.seedbootstrap.cli;

import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.InventoryExport;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.InventorySchema;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap inventory ...}: check, show, import and describe inventories. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Validate, show and import inventories (seed-bootstrap YAML, or Ansible INI/YAML as they are).")
public final class InventoryCommand implements Runnable {
    /** Its subcommands, in help's order; RootCommand builds only the one the arguments name (not in @Command for that). */
    static final List<Class<?>> SUBCOMMANDS = List.of(Validate.class, Show.class, Import.class, Schema.class);

    @Spec
    CommandSpec inventorySpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(inventorySpec.commandLine(),
                "a subcommand is required: validate, show, import or schema");
    }

    /** What validate, show, import, install and reset share: the inventory argument and how to read it. */
    abstract static class InventoryFileCommand extends BaseCommand {
        @Parameters(paramLabel = "FILE", description = "Inventory: seed-bootstrap YAML or an Ansible inventory (INI or YAML).")
        Path file;

        @Mixin
        InventoryOptions inventoryOptions;

        LoadedInventory load() {
            return context.inventoryLoader().load(file, inventoryOptions.toLoadOptions());
        }

        /** Loads or throws one error carrying every diagnostic (exit 2); warnings go to stderr. */
        LoadedInventory loadOrThrow() {
            return loadOrThrow(file, inventoryOptions);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check an inventory and report every problem at once (file:line:column: path: what to do). Exit 2 when invalid.")
    static final class Validate extends InventoryFileCommand {
        @Mixin
        OutputOption output;

        @Override
        public Integer call() {
            LoadedInventory loaded = load();
            PrintWriter out = out();
            if (output.json()) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("file", file.toString());
                report.put("format", loaded.format().name().toLowerCase(java.util.Locale.ROOT));
                report.put("valid", loaded.ok());
                report.put("diagnostics", loaded.diagnostics().stream().map(InventoryCommand::toMap).toList());
                printJson(report);
                return loaded.ok() ? 0 : io.seedbootstrap.support.ExitCode.BAD_INPUT.code();
            }
            if (!loaded.ok()) {
                throw new InventoryLoader.InvalidInventoryException(loaded);
            }
            Output.printDiagnostics(err(), loaded.diagnostics());
            out.println(file + ": valid " + loaded.format().description() + " — " + summary(loaded.inventory()));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the normalised inventory (defaults filled in, paths resolved, secrets redacted) and where each "
                    + "value came from: file:line (the inventory, an Ansible group_vars/ or host_vars/ file, the --settings file) "
                    + "or default.")
    static final class Show extends InventoryFileCommand {
        @Option(names = {"-o", "--output"}, description = "yaml (the inventory, then sources: path -> where it came from), json "
                + "(the same), or text (one line per value: path, value, source).", defaultValue = "yaml")
        OutputFormat output;

        @Override
        public Integer call() {
            LoadedInventory loaded = loadOrThrow();
            com.fasterxml.jackson.databind.ObjectMapper mapper = Output.withPaths(output == OutputFormat.JSON ? Json.json() : Json.yaml());
            com.fasterxml.jackson.databind.node.ObjectNode tree = mapper.valueToTree(loaded.inventory());
            Map<String, InventorySources.Row> rows = InventorySources.of(loaded, tree);
            PrintWriter out = out();
            if (output == OutputFormat.TEXT) {
                int pathWidth = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
                int valueWidth = Math.min(60, rows.values().stream().mapToInt(r -> r.value().length()).max().orElse(0));
                out.println(pad("PATH", pathWidth) + "  " + pad("VALUE", valueWidth) + "  SOURCE");
                rows.values().forEach(r -> out.println(pad(r.path(), pathWidth) + "  " + pad(r.value(), valueWidth) + "  " + r.source()));
                out.flush();
                return 0;
            }
            com.fasterxml.jackson.databind.node.ObjectNode sources = tree.putObject("sources");
            rows.values().forEach(r -> sources.put(r.path(), r.source()));
            Output.print(out, mapper, tree);
            return 0;
        }

        private static String pad(String text, int width) {
            return text.length() >= width ? text : text + " ".repeat(width - text.length());
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Convert an Ansible inventory into seed-bootstrap's format. Secrets are written as ${ENV_VAR} references, "
                    + "never as values; the variables to export are listed on stderr.")
    static final class Import extends InventoryFileCommand {
        @Option(names = {"-O", "--out"}, paramLabel = "FILE", description = "Write here instead of stdout.")
        Path target;

        @Option(names = "--force", description = "Overwrite the --out file if it exists.")
        boolean force;

        @Override
        public Integer call() {
            LoadedInventory loaded = loadOrThrow();
            Path base = target == null ? Path.of("").toAbsolutePath() : target.toAbsolutePath().getParent();
            Path source = file.toAbsolutePath().normalize().getParent();
            InventoryExport export = InventoryExport.of(loaded.inventory(), base, source, context.home());
            String yaml = export.yaml();
            if (target == null) {
                out().print(yaml);
                out().flush();
            } else {
                export.writeTo(target, force);
                err().println("wrote " + target);
            }
            for (String variable : export.variablesToExport()) {
                err().println("note: export " + variable + " before using this inventory (it holds a secret)");
            }
            return 0;
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the inventory format (for yaml-language-server and other editors).")
    static final class Schema extends BaseCommand {
        @Override
        public Integer call() {
            out().println(InventorySchema.json());
            return 0;
        }
    }

    static String summary(Inventory inventory) {
        List<Host> servers = inventory.servers();
        Host bootstrap = inventory.bootstrapServer();
        return "cluster " + inventory.cluster().name() + ", RKE2 " + inventory.cluster().rke2Version() + ", " + inventory.cluster().cni().key()
                + ", " + servers.size() + (servers.size() == 1 ? " server" : " servers")
                + " (bootstrap " + (bootstrap == null ? "?" : bootstrap.name()) + "), "
                + inventory.agents().size() + (inventory.agents().size() == 1 ? " agent" : " agents");
    }

    private static Map<String, Object> toMap(Diagnostic diagnostic) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("severity", diagnostic.severity().name().toLowerCase(java.util.Locale.ROOT));
        map.put("file", String.valueOf(diagnostic.position().file()));
        map.put("line", diagnostic.position().line());
        map.put("column", diagnostic.position().column());
        map.put("path", diagnostic.path());
        map.put("message", diagnostic.message());
        return map;
    }
}
