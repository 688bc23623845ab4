package io.seedbootstrap.cli;

import io.seedbootstrap.bundle.BundleBuilder;
import io.seedbootstrap.bundle.Sha256;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.bundle.manifest.BundleManifest;
import io.seedbootstrap.bundle.manifest.ManifestFile;
import io.seedbootstrap.pki.signing.BundleSigningKey;
import io.seedbootstrap.support.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The launchers' class data sharing training run (docs/formats.md "Class data sharing"): in one
 * JVM, the commands operators start most — {@code --help}, {@code --version}, {@code inventory
 * validate} of a small inventory and {@code bundle verify} of a tiny signed bundle — so that
 * {@code -XX:DumpLoadedClassList} lists the classes they load, bundle verify's signature and
 * manifest classes included (most of them Jackson's, which P4's start-up spent its time loading;
 * scripts/bench-verify.sh). Writes only under the directory it is given; exits 1 naming the
 * command that failed, so the launcher records a failed dump instead of archiving half a list.
 *
 * <p>{@code java -XX:DumpLoadedClassList=LIST -cp seed-bootstrap.jar io.seedbootstrap.cli.StartupTraining DIR}
 */
public final class StartupTraining {
    /** Validates without touching the network: its host and bundle need not exist. */
    static final String INVENTORY = """
            apiVersion: seed-bootstrap/v1
            cluster: {name: cds-training, rke2Version: v1.35.7+rke2r1}
            ssh: {user: admin}
            bundle: {path: ./bundle, signingKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}
            pki: {dir: ./pki}
            apps: {rancher: {enabled: false}}
            hosts: [{name: node-1, address: 192.0.2.10, role: server}]
            """;

    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StartupTraining DIRECTORY");
            System.exit(2);
        }
        System.exit(train(Path.of(args[0]), System.err)); // the dump is taken at exit
    }

    /** Runs the commands in {@code work}; 0, or 1 after naming on {@code err} the command that failed. */
    static int train(Path work, java.io.PrintStream err) throws IOException {
        Path inventory = Files.writeString(work.resolve("inventory.yaml"), INVENTORY);
        Path bundle = work.resolve("bundle");
        String fingerprint = signedBundle(bundle);
        for (List<String> command : List.of(List.of("--help"), List.of("--version"), List.of("inventory", "validate", inventory.toString()),
                List.of("bundle", "verify", bundle.toString(), "--signing-key-fingerprint", fingerprint))) {
            StringWriter errors = new StringWriter();
            int code = RootCommand.run(command.toArray(String[]::new), new PrintWriter(Writer.nullWriter()), new PrintWriter(errors),
                    Environment.of(Map.of()), work);
            if (code != 0) {
                err.println("StartupTraining: " + String.join(" ", command) + " exited " + code + ": " + errors);
                return 1;
            }
        }
        return 0;
    }

    /** A bundle of one small file, signed by a key made for it; returns the key's fingerprint. */
    static String signedBundle(Path bundle) throws IOException {
        byte[] content = "training\n".getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(bundle.resolve("bom"));
        Files.write(bundle.resolve("bom/training.yaml"), content);
        String sha256 = Sha256.hex(content);
        ManifestFile file = new ManifestFile("bom/training.yaml", content.length, sha256, FileKind.BOM, null, null, List.of(), null, null, null,
                null, null, List.of(), List.of());
        BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT, "2026-01-01T00:00:00Z", "startup-training",
                new BundleManifest.BomRef("training", sha256), "v1.35.7+rke2r1", "v1.35.7", Arch.AMD64, 0,
                BundleManifest.DEFAULT_CHUNK_SIZE, List.of(), List.of(file));
        BundleSigningKey key = BundleSigningKey.generate();
        BundleBuilder.writeSigned(bundle, manifest, key);
        return key.fingerprint();
    }
}
