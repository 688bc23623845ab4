package io.seedbootstrap.bundle.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.inventory.model.Cni;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** manifest.json and manifest.json.sig: what databind writes, the streaming reader reads back; bad documents are named. */
class ManifestCodecTest {
    private static final String SHA = "a".repeat(64);

    /** A manifest with every field set, split and chunked files included. */
    private static BundleManifest everyField() {
        ManifestFile split = new ManifestFile("images/big.tar", 300, SHA, FileKind.IMAGE_ARCHIVE, "rke2", "v1.35.7+rke2r1",
                List.of(FileKind.HostRole.SERVER, FileKind.HostRole.AGENT), Cni.CILIUM, null, null, null, "https://example.test/big",
                List.of(new ManifestFile.FilePart("images/big.tar.part000", 200, "b".repeat(64), List.of("c".repeat(64), "d".repeat(64))),
                        new ManifestFile.FilePart("images/big.tar.part001", 100, "e".repeat(64))),
                List.of());
        ManifestFile chart = new ManifestFile("charts/rancher-2.14.3.tgz", 42, SHA, FileKind.CATALOG_CHART, "rancher", "2.14.3",
                List.of(FileKind.HostRole.BOOTSTRAP), null, "registry.example/rancher:v2.14.3", "rancher", "< 1.36.0-0", null, List.of(),
                List.of("f".repeat(64), "0".repeat(64)));
        return new BundleManifest(BundleManifest.FORMAT, "2026-12-06T00:00:00Z", "seed-bootstrap 1.0", new BundleManifest.BomRef("site", SHA),
                "v1.35.7+rke2r1", "v1.35.7", Arch.ARM64, 200, 1L << 20,
                List.of(new BundleManifest.Component("rancher", "2.14.3", "v2.14.3", "< 1.36.0-0")), List.of(chart, split));
    }

    @Test
    void whatIsWrittenIsReadBackEqual() {
        BundleManifest manifest = everyField();
        assertEquals(manifest, ManifestCodec.read(ManifestCodec.write(manifest)));
        SignatureFile signature = new SignatureFile(SignatureFile.FORMAT, "Ed25519", "cHVibGlj", "c2lnbmF0dXJl");
        assertEquals(signature, ManifestCodec.readSignature(ManifestCodec.writeSignature(signature)));
    }

    @Test
    void absentFieldsAreEmptyAndMissingRequiredOnesAreNamed() {
        BundleManifest minimal = ManifestCodec.read(bytes("{\"format\":\"seed-bootstrap-bundle/v1\",\"rke2Version\":\"v1\","
                + "\"arch\":\"amd64\",\"kubernetesVersion\":\"v1\",\"files\":[{\"path\":\"a\",\"size\":1,\"sha256\":\"x\",\"kind\":\"chart\"}]}"));
        assertEquals(List.of(), minimal.components());
        assertEquals(List.of(), minimal.files().get(0).parts());
        assertNull(minimal.chunkSize());
        assertNull(minimal.bom());
        assertEquals("manifest.json lacks rke2Version, arch, files[0].sha256, files[0].kind",
                refused("{\"format\":\"seed-bootstrap-bundle/v2\",\"chunkSize\":1048576,\"kubernetesVersion\":\"v1\","
                        + "\"files\":[{\"path\":\"a\",\"size\":1}]}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"format\":\"f\",\"surprise\":1}                  | unknown field \"surprise\" in the manifest at line 1, column 15",
        "{\"files\":[{\"path\":\"a\",\"extra\":true}]}       | unknown field \"extra\" in files[0] at line 1, column 23",
        "{\"files\":[{\"parts\":[{\"path\":\"p\",\"x\":1}]}]} | unknown field \"x\" in files[0].parts[0] at line 1, column 33",
        "{\"splitSize\":\"1\"}                              | splitSize must be a whole number, not a string at line 1, column 14",
        "{\"files\":[{\"size\":1.5}]}                       | files[0].size must be a whole number, not a number at line 1, column 19",
        "{\"files\":[{\"size\":null}]}                      | files[0].size must be a whole number, not null at line 1, column 19",
        "{\"files\":[{\"size\":99999999999999999999}]}      | files[0].size is out of range at line 1, column 19",
        "{\"format\":1}                                     | format must be a string, not a number at line 1, column 11",
        "{\"files\":{}}                                     | files must be an array, not an object at line 1, column 10",
        "{\"files\":[null]}                                 | files[0] is null at line 1, column 11",
        "{\"files\":[{\"chunks\":[\"a\",null]}]}            | files[0].chunks[1] is null at line 1, column 26",
        "{\"files\":[{\"roles\":[\"server\",\"pilot\"]}]}   | files[0].roles[1] \"pilot\" is not one this seed-bootstrap knows, at line 1, column 30",
        "{\"files\":[{\"cni\":\"CANAL\"}]}                  | files[0].cni \"CANAL\" is not one this seed-bootstrap knows, at line 1, column 18",
        "{\"arch\":\"sparc\"}                               | arch \"sparc\" is not one this seed-bootstrap knows, at line 1, column 9",
        "{\"format\":\"a\",\"format\":\"b\"}                | Duplicate field 'format' at line 1, column 23",
        "{\"format\":\"a\"} {}                              | unexpected { after the top-level object at line 1, column 16",
        "[1]                                                | the manifest must be an object, not an array at line 1, column 1",
        "{\"format\":                                       | Unexpected end-of-input within/between Object entries at line 1, column 11",
    })
    void aBadDocumentIsRefusedNamingWhereAndWhat(String json, String message) {
        assertEquals("manifest.json is not a valid bundle manifest: " + message.strip(), refused(json.strip()));
    }

    @Test
    void anEmptyManifestOrAnIncompleteSignatureFileIsRefused() {
        assertEquals("manifest.json is empty", refused(""));
        assertEquals("manifest.json.sig is not a seed-bootstrap signature file: unknown field \"key\" in the signature file at line 1, column 2",
                assertThrows(ManifestCodec.MalformedManifestException.class,
                        () -> ManifestCodec.readSignature(bytes("{\"key\":\"x\"}"))).getMessage());
        assertEquals("manifest.json.sig lacks its algorithm, publicKey or signature", assertThrows(ManifestCodec.MalformedManifestException.class,
                () -> ManifestCodec.readSignature(bytes("{\"format\":\"" + SignatureFile.FORMAT + "\",\"algorithm\":\"Ed25519\"}"))).getMessage());
    }

    private static String refused(String json) {
        return assertThrows(ManifestCodec.MalformedManifestException.class, () -> ManifestCodec.read(bytes(json))).getMessage();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
