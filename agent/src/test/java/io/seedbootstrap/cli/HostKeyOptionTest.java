package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command that connects to hosts takes {@code --accept-new-host-keys} from the one mixin, so its words and effect cannot drift apart. */
class HostKeyOptionTest {
    private static final CliContext CONTEXT = new CliContext(Environment.of(Map.of()), Path.of("/nonexistent-home"),
            new InventoryLoader(Environment.of(Map.of()), Path.of("/nonexistent-home"), address -> io.seedbootstrap.inventory.ThisMachine.Match.OTHER));
    private static final List<String> CONNECTING = List.of("preflight", "install", "upgrade", "backup", "restore", "reset",
            "status", "kubeconfig", "support-bundle");

    @Test
    void everyCommandThatConnectsToHostsHasTheSameOption() {
        Set<String> descriptions = new TreeSet<>();
        for (String name : CONNECTING) {
            CommandLine command = RootCommand.build(CONTEXT, new String[] {name}).getSubcommands().get(name);
            OptionSpec option = command.getCommandSpec().findOption("--accept-new-host-keys");
            assertTrue(option != null, name + " has --accept-new-host-keys");
            descriptions.add(String.join(" ", option.description()));
        }
        assertEquals(Set.of(String.join(" ", new CommandLine(new HostKeyOption()).getCommandSpec()
                .findOption("--accept-new-host-keys").description())), descriptions, "one wording everywhere");
    }

    @Test
    void theOptionTurnsOnAcceptingNewKeysAndIsOffByDefault() {
        HostKeyOption off = new HostKeyOption();
        new CommandLine(off).parseArgs();
        assertFalse(off.ssh().acceptNewHostKeys());
        HostKeyOption on = new HostKeyOption();
        new CommandLine(on).parseArgs("--accept-new-host-keys");
        assertTrue(on.ssh().acceptNewHostKeys());
    }
}
