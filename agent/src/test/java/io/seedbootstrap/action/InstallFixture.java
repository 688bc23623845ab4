package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.pki.BundleSigningKey;
import io.seedbootstrap.testvm.TestMachine;
import io.seedbootstrap.testvm.TestMachines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an install test needs besides test machines: a bundle built and signed from the RKE2
 * contract double's artifacts (test-vms/rke2-double: a test double, not RKE2), a PKI made by
 * {@code pki init}, and inventories pointing at the machines.
 */
final class InstallFixture {
    final Path work;
    final Path bundle;
    final BundleSigningKey signingKey;
    final Path pkiInventory;
    /** The same content stored as 16 KiB parts, as a FAT32 stick holds files over 4 GiB. */
    final Path splitBundle;

    private InstallFixture(Path work, Path bundle, Path splitBundle, BundleSigningKey key, Path pkiInventory) {
        this.work = work;
        this.bundle = bundle;
        this.splitBundle = splitBundle;
        this.signingKey = key;
        this.pkiInventory = pkiInventory;
    }

    /** Builds the bundle and the PKI once per test class (RSA 2048 keeps pki init fast). */
    static InstallFixture create() throws Exception {
        Path work = Files.createTempDirectory("install-it-");
        Path artifacts = TestBundles.rke2Artifacts(work);
        Path mirror = TestBundles.mirror(work, artifacts);
        BundleSigningKey key = BundleSigningKey.generate();
        TestBundles.build(work, mirror, key, 4294967295L);
        Path bundle = work.resolve("bundle");
        Path split = Files.createDirectories(work.resolve("split"));
        TestBundles.build(split, mirror, key, 16384);
        Path pkiInventory = work.resolve("pki-inventory.yaml");
        Files.writeString(pkiInventory, String.join("\n",
                "cluster: {name: seed-it, rke2Version: v1.35.7+rke2r1}",
                "pki: {dir: ./pki, organization: Example Corp, rsaKeyBits: 2048}",
                "apps: {rancher: {hostname: rancher.it.example.internal}, argocd: {enabled: false}}",
                "hosts:",
                "  - {name: seed-1, address: 192.0.2.10, role: server}", ""));
        CommandRunner.Result init = CommandRunner.run(Map.of(), work, "pki", "init", pkiInventory.toString());
        assertEquals(0, init.exitCode(), init.err());
        return new InstallFixture(work, bundle, split.resolve("bundle"), key, pkiInventory);
    }

    Path pki() {
        return work.resolve("pki");
    }

    /** An inventory of ours for these machines (first one the bootstrap server), with extra top-level YAML lines. */
    Path inventory(String name, TestMachines machines, List<TestMachine> hosts, List<String> roles, String cni, String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "cluster:",
                "  name: " + name,
                "  rke2Version: v1.35.7+rke2r1",
                "  cni: " + cni,
                "ssh:",
                "  user: admin",
                "  identityFile: " + machines.privateKey(),
                "  knownHosts: " + machines.knownHosts(),
                "bundle:",
                "  path: " + bundle,
                "  signingKeyFingerprint: \"" + signingKey.fingerprint() + "\"",
                "pki: {dir: " + pki() + ", rsaKeyBits: 2048}",
                "apps: {rancher: {enabled: false}, argocd: {enabled: false}}"));
        lines.addAll(List.of(extra));
        lines.add("hosts:");
        for (int i = 0; i < hosts.size(); i++) {
            TestMachine m = hosts.get(i);
            lines.add("  - {name: " + m.name() + ", address: " + m.ip() + ", role: " + roles.get(i) + (i == 0 ? ", bootstrap: true" : "")
                    + ", labels: {seed.example/it: \"yes\"}}");
        }
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    CommandRunner.Result run(String... args) {
        return CommandRunner.run(Map.of("XDG_STATE_HOME", work.resolve("state").toString(), "XDG_CACHE_HOME", work.resolve("cache").toString()),
                work, args);
    }
}
