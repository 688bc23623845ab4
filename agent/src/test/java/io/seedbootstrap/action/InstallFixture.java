package io.seedbootstrap.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedbootstrap.bundle.TestBundles;
import io.seedbootstrap.cli.CommandRunner;
import io.seedbootstrap.pki.signing.BundleSigningKey;
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
        return create(0);
    }

    /**
     * With {@code paddingBytes} of incompressible data added inside the core image archive (as
     * a layer would be), so an upload lasts long enough to be interrupted; the release checksum
     * file is rewritten to match, as a real release lists its real archives.
     */
    static InstallFixture create(int paddingBytes) throws Exception {
        Path work = Files.createTempDirectory("install-it-");
        Path artifacts = TestBundles.rke2Artifacts(work);
        if (paddingBytes > 0) {
            pad(artifacts, "rke2-images-core.linux-amd64.tar.zst", paddingBytes);
        }
        Path mirror = TestBundles.mirror(work, artifacts);
        BundleSigningKey key = BundleSigningKey.generate();
        TestBundles.build(work, mirror, key, 4294967295L);
        Path bundle = work.resolve("bundle");
        Path split = Files.createDirectories(work.resolve("split"));
        // parts of 16 KiB for the small files; a padded archive would need more parts than a bundle allows
        TestBundles.build(split, mirror, key, paddingBytes > 0 ? 64L << 20 : 16384);
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

    private static void pad(Path artifacts, String name, int paddingBytes) throws Exception {
        Path archive = artifacts.resolve(name);
        Path padded = artifacts.resolve(name + ".new");
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream(Files.newInputStream(archive)));
                var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                        new org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream(Files.newOutputStream(padded), 1))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putArchiveEntry(entry);
                in.transferTo(out);
                out.closeArchiveEntry();
            }
            var filler = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("filler-layer.bin");
            filler.setSize(paddingBytes);
            out.putArchiveEntry(filler);
            out.write(TestBundles.randomBytes(paddingBytes, 42));
            out.closeArchiveEntry();
        }
        Files.move(padded, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path sums = artifacts.resolve("sha256sum-amd64.txt");
        StringBuilder rewritten = new StringBuilder();
        for (String line : Files.readAllLines(sums)) {
            rewritten.append(line.endsWith(name) ? TestBundles.sha256(archive) + "  " + name : line).append('\n');
        }
        Files.writeString(sums, rewritten);
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

    /**
     * The inventory's nodes register through {@code server}'s address, standing in for the fixed
     * registration address an HA cluster needs (contract A.10.1: one address forwarding 9345 and 6443).
     */
    Path withRegistrationAddress(Path inventory, TestMachine server) throws Exception {
        String text = Files.readString(inventory);
        String cni = text.lines().filter(l -> l.startsWith("  cni: ")).findFirst().orElseThrow();
        Files.writeString(inventory, text.replace(cni + "\n", cni + "\n  registrationAddress: " + server.ip() + "\n"));
        return inventory;
    }

    CommandRunner.Result run(String... args) {
        return run(Map.of(), args);
    }

    /** With more environment, e.g. {@code SEED_DR_PASSPHRASE} for backup and restore. */
    CommandRunner.Result run(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("XDG_STATE_HOME", work.resolve("state").toString());
        all.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        return CommandRunner.run(all, work, args);
    }
}
