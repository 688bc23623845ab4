package io.seedbootstrap.cli;

import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import java.nio.file.Path;

/** What every command may use: the environment, the operator's home directory and shared services. */
public record CliContext(Environment environment, Path home, InventoryLoader inventoryLoader) {}
