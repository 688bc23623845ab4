package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.bom.BomSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seed-bootstrap bundle ...}: build, check and describe offline bundles. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Offline bundles: signing keys, create from a bill of materials, verify, inspect.",
        subcommands = {BundleCommand.Schema.class})
public final class BundleCommand implements Runnable {
    @Spec
    CommandSpec bundleSpec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(bundleSpec.commandLine(),
                "a subcommand is required: keygen, create, verify, inspect, mirror-list or schema");
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema of the bill-of-materials format (bundles/*.yaml), for editors.")
    static final class Schema implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(BomSchema.json());
            return 0;
        }
    }
}
