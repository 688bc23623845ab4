package io.seedbootstrap.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.seedbootstrap.bind.Diagnostic;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.inventory.InventorySchema;
import io.seedbootstrap.inventory.LoadedInventory;
import io.seedbootstrap.inventory.model.Host;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.SeedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        description = "Validate, show and import inventories (seed-bootstrap YAML, or Ansible INI/YAML as they are).",
        subcommands = {
            InventoryCommand.Validate.class, InventoryCommand.Show.class,
            InventoryCommand.Import.class, InventoryCommand.Schema.class})
public final class InventoryCommand implements Runnable {
    @Spec
    CommandSpec inventorySpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(inventorySpec.commandLine(),
                "a subcommand is required: validate, show, import or schema");
    }

    /** What validate, show and import share: the inventory argument, how to read it, the output streams. */
    abstract static class InventoryFileCommand implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Inventory: seed-bootstrap YAML or an Ansible inventory (INI or YAML).")
        Path file;

        @Mixin
        InventoryOptions inventoryOptions;

        @Spec
        CommandSpec spec;

        final CliContext context;

        InventoryFileCommand(CliContext context) {
            this.context = context;
        }

        LoadedInventory load() {
            return context.inventoryLoader().load(file, inventoryOptions.toLoadOptions());
        }

        /** Loads or throws one error carrying every diagnostic (exit 2); warnings go to stderr. */
        LoadedInventory loadOrThrow() {
            LoadedInventory loaded = context.inventoryLoader().loadOrThrow(file, inventoryOptions.toLoadOptions());
            Output.printDiagnostics(spec.commandLine().getErr(), loaded.diagnostics());
            return loaded;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check an inventory and report every problem at once (file:line:column: path: what to do). Exit 2 when invalid.")
    static final class Validate extends InventoryFileCommand {

        @Mixin
        OutputOption output;

        Validate(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            LoadedInventory loaded = load();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("file", file.toString());
                report.put("format", loaded.format().name().toLowerCase(java.util.Locale.ROOT));
                report.put("valid", loaded.ok());
                report.put("diagnostics", loaded.diagnostics().stream().map(InventoryCommand::toMap).toList());
                print(out, Json.json(), report);
                return loaded.ok() ? 0 : io.seedbootstrap.support.ExitCode.BAD_INPUT.code();
            }
            if (!loaded.ok()) {
                throw new InventoryLoader.InvalidInventoryException(loaded);
            }
            Output.printDiagnostics(spec.commandLine().getErr(), loaded.diagnostics());
            out.println(file + ": valid " + loaded.format().description() + " — " + summary(loaded.inventory()));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the normalised inventory (defaults filled in, paths resolved, secrets redacted).")
    static final class Show extends InventoryFileCommand {

        @Option(names = {"-o", "--output"}, description = "yaml or json.", defaultValue = "yaml")
        OutputFormat output;

        Show(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            LoadedInventory loaded = loadOrThrow();
            print(spec.commandLine().getOut(), output == OutputFormat.JSON ? Json.json() : Json.yaml(), loaded.inventory());
            return 0;
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

        Import(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            LoadedInventory loaded = loadOrThrow();
            Path base = target == null ? Path.of("").toAbsolutePath() : target.toAbsolutePath().getParent();
            Path source = file.toAbsolutePath().normalize().getParent();
            InventoryExport export = InventoryExport.of(loaded.inventory(), base, source, context.home());
            String yaml = export.yaml();
            if (target == null) {
                spec.commandLine().getOut().print(yaml);
                spec.commandLine().getOut().flush();
            } else {
                write(target, yaml, force);
                spec.commandLine().getErr().println("wrote " + target);
            }
            for (String variable : export.variablesToExport()) {
                spec.commandLine().getErr().println("note: export " + variable + " before using this inventory (it holds a secret)");
            }
            return 0;
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the inventory format (for yaml-language-server and other editors).")
    static final class Schema implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(InventorySchema.json());
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

    static void print(PrintWriter out, ObjectMapper mapper, Object value) {
        try {
            mapper.registerModule(new SimpleModule().addSerializer(Path.class, new PathSerializer()));
            out.println(mapper.writeValueAsString(value).stripTrailing());
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(Path target, String text, boolean force) {
        try {
            if (Files.exists(target) && !force) {
                throw SeedException.badInput(target + " already exists; choose another --out or add --force");
            }
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw SeedException.failed("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Paths print as plain strings. */
    static final class PathSerializer extends JsonSerializer<Path> {
        @Override
        public void serialize(Path value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }
}
