package io.seedbootstrap.inventory.ansible;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.seedbootstrap.inventory.InventoryFuzzTest;
import io.seedbootstrap.inventory.InventoryLoader;
import io.seedbootstrap.support.Environment;
import io.seedbootstrap.support.Fuzzing;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of Ansible inventories, INI and YAML, and of a group_vars file beside
 * a fixed inventory, through the whole loader (converter, binder, validator). Same expectations
 * as {@link InventoryFuzzTest}.
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

    private static final byte[] PROJECT_INVENTORY = "[rke2_servers]\ns1 ansible_host=10.0.0.11\n[rke2_agents]\na1 ansible_host=10.0.0.21\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** The input is group_vars/rke2_servers.yml of a project whose inventory is fixed and valid. */
    @FuzzTest(maxDuration = "60s")
    void groupVars(byte[] input) throws java.io.IOException {
        Path project = java.nio.file.Files.createDirectories(DIR.resolve("project/group_vars"));
        Fuzzing.write(project.resolve("rke2_servers.yml"), input);
        InventoryFuzzTest.load(LOADER, project.getParent().resolve("hosts"), PROJECT_INVENTORY);
    }
}
