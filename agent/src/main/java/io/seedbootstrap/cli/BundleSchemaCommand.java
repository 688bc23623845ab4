package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.bom.BomSchema;
import picocli.CommandLine.Command;

/** {@code bundle schema}: the JSON Schema of the BOM format. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of the bill-of-materials format (bundles/*.yaml), for editors.")
final class BundleSchemaCommand extends BaseCommand {
    @Override
    public Integer call() {
        out().println(BomSchema.json());
        return 0;
    }
}
