package io.seedbootstrap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What keeps a short command short (issue 22 P7; scripts/bench-startup.sh has the figures): only
 * the subcommand the arguments name is built, the others are stubs that still give the root's help
 * and picocli's suggestions, and --help and --version load none of the heavy libraries.
 */
class RootCommandStartupTest {
    private static final CliContext CONTEXT = new CliContext(Environment.of(Map.of()), Path.of("/nonexistent-home"),
            new InventoryLoader(Environment.of(Map.of()), Path.of("/nonexistent-home"), address -> io.seedbootstrap.inventory.ThisMachine.Match.OTHER));

    @Test
    void onlyTheNamedSubcommandIsBuiltTheOthersAreStubs() {
        CommandLine line = RootCommand.build(CONTEXT, new String[] {"-v", "install", "inventory.yaml", "--dry-run"});
        assertInstanceOf(InstallCommand.class, line.getSubcommands().get("install").getCommand());
        assertTrue(line.getSubcommands().get("install").getCommandSpec().optionsMap().containsKey("--dry-run"));
        CommandLine reset = line.getSubcommands().get("reset");
        assertNull(reset.getCommand(), "a stub has no command object");
        assertFalse(reset.getCommandSpec().optionsMap().containsKey("--dry-run"), "nor reset's options");

        CommandLine none = RootCommand.build(CONTEXT, new String[] {"--version"});
        assertEquals(RootCommand.SUBCOMMANDS.size(), none.getSubcommands().size());
        assertTrue(none.getSubcommands().values().stream().allMatch(c -> c.getCommand() == null), "--version builds no subcommand");
    }

    @Test
    void withinAGroupOnlyTheNamedSubcommandIsBuilt() {
        CommandLine line = RootCommand.build(CONTEXT, new String[] {"bundle", "-v", "verify", "DIR", "--threads", "2"});
        CommandLine bundle = line.getSubcommands().get("bundle");
        assertInstanceOf(BundleCommand.class, bundle.getCommand());
        assertEquals(BundleCommand.SUBCOMMANDS.size(), bundle.getSubcommands().size());
        assertInstanceOf(BundleVerifyCommand.class, bundle.getSubcommands().get("verify").getCommand());
        assertNull(bundle.getSubcommands().get("create").getCommand(), "create is a stub");
        assertNull(line.getSubcommands().get("inventory").getCommand(), "and so is the inventory group");
        line.setCaseInsensitiveEnumValuesAllowed(true); // as run() sets it
        line.parseArgs("bundle", "-v", "verify", "DIR", "--threads", "2");
        assertEquals(Path.of("DIR"), ((BundleVerifyCommand) bundle.getSubcommands().get("verify").getCommand()).directory);
        assertTrue(RootCommand.isVerbose(bundle.getSubcommands().get("verify")), "-v still reaches the root");

        CommandLine pki = RootCommand.build(CONTEXT, new String[] {"pki", "--help"}).getSubcommands().get("pki");
        assertTrue(pki.getSubcommands().values().stream().allMatch(c -> c.getCommand() == null), "a group's --help builds no subcommand");
    }

    @Test
    void aGroupsHelpFromStubsIsItsHelpWhole() {
        for (String group : List.of("inventory", "pki", "bundle")) {
            CommandLine whole = RootCommand.build(CONTEXT, new String[] {"generate-completion"}).getSubcommands().get(group);
            assertTrue(whole.getSubcommands().values().stream().noneMatch(c -> c.getCommand() == null), group);
            CommandLine stubs = RootCommand.build(CONTEXT, new String[] {group, "--help"}).getSubcommands().get(group);
            assertEquals(whole.getUsageMessage(CommandLine.Help.Ansi.OFF), stubs.getUsageMessage(CommandLine.Help.Ansi.OFF), group);
        }
        CommandRunner.Result typo = CommandRunner.run("bundle", "verfy", "DIR");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("Did you mean: bundle verify?"), typo.err());
    }

    @Test
    void theRootHelpFromStubsIsTheHelpOfTheWholeTree() {
        // generate-completion walks the whole tree, so it is the one case that builds every subcommand
        CommandLine whole = RootCommand.build(CONTEXT, new String[] {"generate-completion"});
        assertTrue(whole.getSubcommands().values().stream().noneMatch(c -> c.getCommand() == null));
        CommandLine stubs = RootCommand.build(CONTEXT, new String[] {"--help"});
        assertEquals(whole.getUsageMessage(CommandLine.Help.Ansi.OFF), stubs.getUsageMessage(CommandLine.Help.Ansi.OFF));
    }

    @Test
    void commandsStillParseAndAMisspeltOneStillGetsASuggestion() {
        CommandRunner.Result help = CommandRunner.run("-v", "inventory", "validate", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("Usage: seed-bootstrap inventory validate"), help.out());

        CommandRunner.Result typo = CommandRunner.run("instal", "inventory.yaml");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("Unmatched arguments from index 0: 'instal'"), typo.err());
        assertTrue(typo.err().contains("Did you mean: seed-bootstrap install"), typo.err());

        CommandRunner.Result none = CommandRunner.run();
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("a command is required"), none.err());
    }

    @Test
    void anArgumentFileReachesTheSubcommandItNames(@TempDir Path dir) throws Exception {
        Path args = dir.resolve("args");
        Files.writeString(args, "inventory\nvalidate\n../inventory/examples/single-node.yaml\n");
        CommandRunner.Result result = CommandRunner.run("@" + args);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("valid seed-bootstrap inventory"), result.out());
        Path rest = dir.resolve("rest");
        Files.writeString(rest, "validate\n../inventory/examples/single-node.yaml\n");
        CommandRunner.Result inGroup = CommandRunner.run("inventory", "@" + rest);
        assertEquals(0, inGroup.exitCode(), inGroup.err());
        assertTrue(inGroup.out().contains("valid seed-bootstrap inventory"), inGroup.out());
    }

    /** A fresh JVM (this one has loaded everything already), its class loading listed by -verbose:class. */
    @Test
    void helpAndVersionLoadNoneOfTheHeavyLibraries() throws Exception {
        for (String option : List.of("--help", "--version")) {
            List<String> loaded = loadedClasses(option);
            assertTrue(loaded.stream().anyMatch(c -> c.startsWith("picocli.")), "the listing works: " + loaded.size() + " classes");
            List<String> heavy = loaded.stream()
                    .filter(c -> c.startsWith("com.fasterxml.") || c.startsWith("org.bouncycastle.") || c.startsWith("net.schmizz.")
                            || c.startsWith("org.yaml.") || c.startsWith("org.apache.commons.compress."))
                    .collect(Collectors.toList());
            assertEquals(List.of(), heavy, option + " loads what only other commands need");
            List<String> engine = loaded.stream().filter(c -> List.of("action", "phase", "node", "ssh", "host", "pki", "bundle", "apps",
                    "dr", "preflight", "registry").stream().anyMatch(p -> c.startsWith("io.seedbootstrap." + p + ".")))
                    .collect(Collectors.toList());
            assertEquals(List.of(), engine, option + " loads the classes of actions, phases, the PKI or bundles");
        }
    }

    private static List<String> loadedClasses(String option) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                "io.seedbootstrap.Main", option));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("seed-bootstrap " + option + " did not end");
        }
        assertEquals(0, process.exitValue(), out);
        List<String> classes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("[") && line.contains("][class,load] ")) {
                String rest = line.substring(line.indexOf("][class,load] ") + 14);
                classes.add(rest.split(" ", 2)[0]);
            }
        }
        if (classes.isEmpty()) {
            throw new AssertionError("no -verbose:class lines in: " + out);
        }
        return classes;
    }
}
