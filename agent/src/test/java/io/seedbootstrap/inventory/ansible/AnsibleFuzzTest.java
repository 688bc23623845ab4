package io.seedbootstrap.inventory.ansible;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.inventory.InventoryFuzzTest;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Fuzzing;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of Ansible inventories, INI and YAML, through the whole loader
 * (converter, binder, validator). Same expectations as {@link InventoryFuzzTest}.
 */
class AnsibleFuzzTest {
    private static final Path DIR = Fuzzing.scratch("ansible");
    private static final InventoryLoader LOADER = new InventoryLoader(Environment.of(AnsibleGoodInventoriesTest.ENVIRONMENT),
            AnsibleFixtures.home(DIR));

    @FuzzTest(maxDuration = "60s")
    void ini(byte[] input) {
        InventoryFuzzTest.load(LOADER, DIR.resolve("hosts"), input);
    }

    @FuzzTest(maxDuration = "60s")
    void yaml(byte[] input) {
        InventoryFuzzTest.load(LOADER, DIR.resolve("hosts.yml"), input);
    }
}
