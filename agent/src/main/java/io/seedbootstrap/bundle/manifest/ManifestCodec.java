package io.seedbootstrap.bundle.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes manifest.json and manifest.json.sig. Writing is deterministic for the same
 * manifest (fixed field order, files sorted by path) so the signed bytes are reproducible.
 * Reading ({@link ManifestParser}, streaming: verify's start-up) is strict: unknown fields, wrong
 * types and missing required ones are refused.
 */
public final class ManifestCodec {
    public static final int MAX_MANIFEST_BYTES = 64 << 20;
    public static final int MAX_SIGNATURE_BYTES = 64 << 10;

    private ManifestCodec() {}

    private static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .serializationInclusion(JsonInclude.Include.NON_EMPTY)
                .build();
    }

    public static byte[] write(BundleManifest manifest) {
        try {
            return (mapper().writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest", e);
        }
    }

    /** Parses manifest bytes; throws {@link MalformedManifestException} with what is wrong. */
    public static BundleManifest read(byte[] bytes) {
        BundleManifest manifest;
        try {
            manifest = ManifestParser.manifest(bytes);
        } catch (ManifestParser.BadJsonException e) {
            throw new MalformedManifestException("manifest.json is not a valid bundle manifest: " + e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        if (manifest == null) {
            throw new MalformedManifestException("manifest.json is empty");
        }
        if (!BundleManifest.FORMATS.contains(manifest.format())) {
            throw new MalformedManifestException("manifest.json has format \"" + manifest.format() + "\"; this seed-bootstrap reads "
                    + String.join(" and ", BundleManifest.FORMATS));
        }
        boolean v1 = BundleManifest.FORMAT_V1.equals(manifest.format());
        List<String> invalid = new ArrayList<>();
        if (v1 && manifest.chunkSize() != null) {
            throw new MalformedManifestException("manifest.json is " + BundleManifest.FORMAT_V1 + " but has chunkSize, which "
                    + BundleManifest.FORMAT + " introduced");
        }
        if (!v1 && (manifest.chunkBytes() < BundleManifest.CHUNK_UNIT || manifest.chunkBytes() > BundleManifest.MAX_CHUNK_SIZE
                || manifest.chunkBytes() % BundleManifest.CHUNK_UNIT != 0)) {
            throw new MalformedManifestException("manifest.json has chunkSize " + manifest.chunkSize() + "; it must be a whole number of MiB"
                    + " from 1 MiB to 1 GiB");
        }
        require(manifest.rke2Version(), "rke2Version", missing);
        require(manifest.arch(), "arch", missing);
        require(manifest.kubernetesVersion(), "kubernetesVersion", missing);
        for (int i = 0; i < manifest.files().size(); i++) {
            ManifestFile file = manifest.files().get(i);
            require(file.path(), "files[" + i + "].path", missing);
            require(file.sha256(), "files[" + i + "].sha256", missing);
            require(file.kind(), "files[" + i + "].kind", missing);
            if (v1 && !file.chunks().isEmpty()) {
                invalid.add("files[" + i + "].chunks");
            }
            for (int j = 0; j < file.parts().size(); j++) {
                ManifestFile.FilePart part = file.parts().get(j);
                if (part.path() == null || part.sha256() == null) {
                    missing.add("files[" + i + "].parts[" + j + "]");
                } else if (v1 && !part.chunks().isEmpty()) {
                    invalid.add("files[" + i + "].parts[" + j + "].chunks");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new MalformedManifestException("manifest.json lacks " + String.join(", ", missing));
        }
        if (!invalid.isEmpty()) {
            throw new MalformedManifestException("manifest.json is " + BundleManifest.FORMAT_V1 + " but has chunk hashes, which "
                    + BundleManifest.FORMAT + " introduced: " + String.join(", ", invalid));
        }
        return manifest;
    }

    private static void require(Object value, String name, List<String> missing) {
        if (value == null) {
            missing.add(name);
        }
    }

    public static byte[] writeSignature(SignatureFile signature) {
        try {
            return (mapper().writeValueAsString(signature) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the signature", e);
        }
    }

    public static SignatureFile readSignature(byte[] bytes) {
        SignatureFile signature;
        try {
            signature = ManifestParser.signature(bytes);
        } catch (ManifestParser.BadJsonException e) {
            throw new MalformedManifestException("manifest.json.sig is not a seed-bootstrap signature file: " + e.getMessage());
        }
        if (signature == null || !SignatureFile.FORMAT.equals(signature.format())) {
            throw new MalformedManifestException("manifest.json.sig is not a " + SignatureFile.FORMAT + " signature file");
        }
        if (signature.publicKey() == null || signature.signature() == null || signature.algorithm() == null) {
            throw new MalformedManifestException("manifest.json.sig lacks its algorithm, publicKey or signature");
        }
        return signature;
    }

    /** The files every well-formed bundle holds besides its manifest's files. */
    public static boolean isBundleMetadata(String path) {
        return path.equals(SignatureFile.MANIFEST) || path.equals(SignatureFile.SIGNATURE);
    }

    /** A manifest or signature file that cannot be read as one. */
    public static final class MalformedManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedManifestException(String message) {
            super(message);
        }
    }
}
