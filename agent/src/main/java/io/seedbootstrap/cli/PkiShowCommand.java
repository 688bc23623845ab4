package io.seedbootstrap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code seed-bootstrap pki show}: placeholder until the inspector lands. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Report every certificate of the PKI directory.")
final class PkiShowCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
