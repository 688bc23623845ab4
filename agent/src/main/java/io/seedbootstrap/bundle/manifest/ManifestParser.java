package io.seedbootstrap.bundle.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.seedbootstrap.bundle.format.Arch;
import io.seedbootstrap.bundle.format.FileKind;
import io.seedbootstrap.inventory.model.Cni;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads manifest.json and manifest.json.sig with jackson-core's streaming parser, field by field.
 * Not databind: every {@code bundle verify} and install reads these two files on the critical path
 * before the first file is trusted, and databind's start-up (560 classes, ~0.4 CPU-s on a cold JVM)
 * was ~0.4 s of the 2.3-2.9 s that verifying 4 GiB took (issue 22 P4, docs/ssh.md "Bundle verify"). Writing stays with
 * databind ({@link ManifestCodec#write}); tests read back what it writes.
 *
 * <p>Strict, as the format is signed and written only by bundle create: an unknown or repeated field,
 * a value of the wrong JSON type (no coercion of "1" to 1), a null for a number, an unknown enum key
 * and anything after the top-level object are refused, naming where ({@code files[3].size}). A missing
 * field is null (a missing number 0) and left to {@link ManifestCodec} to report.
 */
final class ManifestParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final JsonParser parser;
    /** Where the field whose value the parser is on was named, for "unknown field". */
    private JsonLocation fieldAt;

    private ManifestParser(JsonParser parser) {
        this.parser = parser;
    }

    /** A JSON document that is not what this parser reads; the message says where and what. */
    static final class BadJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        BadJsonException(String message) {
            super(message);
        }
    }

    static BundleManifest manifest(byte[] bytes) throws BadJsonException {
        return document(bytes, ManifestParser::manifest);
    }

    static SignatureFile signature(byte[] bytes) throws BadJsonException {
        return document(bytes, ManifestParser::signature);
    }

    private interface Reader<T> {
        T read(ManifestParser json) throws IOException, BadJsonException;
    }

    /** One top-level object and nothing after it; null for an empty document. */
    private static <T> T document(byte[] bytes, Reader<T> reader) throws BadJsonException {
        try (JsonParser parser = JSON.createParser(bytes)) {
            ManifestParser json = new ManifestParser(parser);
            if (parser.nextToken() == null) {
                return null;
            }
            T value = reader.read(json);
            if (parser.nextToken() != null) {
                throw new BadJsonException("unexpected " + parser.currentToken().asString() + " after the top-level object at "
                        + location(parser));
            }
            return value;
        } catch (IOException e) { // jackson-core's JsonParseException and friends: malformed JSON, too large a number
            String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new BadJsonException(message + " at " + location(e));
        }
    }

    private BundleManifest manifest() throws IOException, BadJsonException {
        String format = null, createdAt = null, createdBy = null, rke2Version = null, kubernetesVersion = null;
        BundleManifest.BomRef bom = null;
        Arch arch = null;
        long splitSize = 0;
        Long chunkSize = null;
        List<BundleManifest.Component> components = null;
        List<ManifestFile> files = null;
        startObject("the manifest");
        for (String field = nextField(); field != null; field = nextField()) {
            switch (field) {
                case "format" -> format = string(field);
                case "createdAt" -> createdAt = string(field);
                case "createdBy" -> createdBy = string(field);
                case "bom" -> bom = nullOr(() -> bom());
                case "rke2Version" -> rke2Version = string(field);
                case "kubernetesVersion" -> kubernetesVersion = string(field);
                case "arch" -> arch = key(field, Arch::ofKey);
                case "splitSize" -> splitSize = number(field);
                case "chunkSize" -> chunkSize = nullOr(() -> number("chunkSize"));
                case "components" -> components = list(field, i -> component("components[" + i + "]"));
                case "files" -> files = list(field, i -> file("files[" + i + "]"));
                default -> throw unknown(field, "the manifest");
            }
        }
        return new BundleManifest(format, createdAt, createdBy, bom, rke2Version, kubernetesVersion, arch, splitSize, chunkSize,
                components, files);
    }

    private BundleManifest.BomRef bom() throws IOException, BadJsonException {
        String name = null, sha256 = null;
        startObject("bom");
        for (String field = nextField(); field != null; field = nextField()) {
            switch (field) {
                case "name" -> name = string("bom.name");
                case "sha256" -> sha256 = string("bom.sha256");
                default -> throw unknown(field, "bom");
            }
        }
        return new BundleManifest.BomRef(name, sha256);
    }

    private BundleManifest.Component component(String at) throws IOException, BadJsonException {
        String name = null, version = null, appVersion = null, kubeVersion = null;
        startObject(at);
        for (String field = nextField(); field != null; field = nextField()) {
            switch (field) {
                case "name" -> name = string(at + ".name");
                case "version" -> version = string(at + ".version");
                case "appVersion" -> appVersion = string(at + ".appVersion");
                case "kubeVersion" -> kubeVersion = string(at + ".kubeVersion");
                default -> throw unknown(field, at);
            }
        }
        return new BundleManifest.Component(name, version, appVersion, kubeVersion);
    }

    private ManifestFile file(String at) throws IOException, BadJsonException {
        Piece piece = new Piece();
        String component = null, version = null, image = null, chart = null, kubeVersion = null, source = null;
        FileKind kind = null;
        Cni cni = null;
        List<FileKind.HostRole> roles = null;
        List<ManifestFile.FilePart> parts = null;
        startObject(at);
        for (String field = nextField(); field != null; field = nextField()) {
            String name = at + "." + field;
            if (piece.read(field, name)) {
                continue;
            }
            switch (field) {
                case "kind" -> kind = key(name, FileKind::ofKey);
                case "component" -> component = string(name);
                case "version" -> version = string(name);
                case "roles" -> roles = list(name, i -> key(name + "[" + i + "]", FileKind.HostRole::ofKey));
                case "cni" -> cni = key(name, ManifestParser::cni);
                case "image" -> image = string(name);
                case "chart" -> chart = string(name);
                case "kubeVersion" -> kubeVersion = string(name);
                case "source" -> source = string(name);
                case "parts" -> parts = list(name, i -> part(name + "[" + i + "]"));
                default -> throw unknown(field, at);
            }
        }
        return new ManifestFile(piece.path, piece.size, piece.sha256, kind, component, version, roles, cni, image, chart, kubeVersion, source,
                parts, piece.chunks);
    }

    private ManifestFile.FilePart part(String at) throws IOException, BadJsonException {
        Piece piece = new Piece();
        startObject(at);
        for (String field = nextField(); field != null; field = nextField()) {
            if (!piece.read(field, at + "." + field)) {
                throw unknown(field, at);
            }
        }
        return new ManifestFile.FilePart(piece.path, piece.size, piece.sha256, piece.chunks);
    }

    /** The fields a file and a part of one have alike: what is stored, its size and hashes. */
    private final class Piece {
        String path;
        long size;
        String sha256;
        List<String> chunks;

        /** Reads {@code field}'s value if it is one of these; false if it is not. */
        boolean read(String field, String name) throws IOException, BadJsonException {
            switch (field) {
                case "path" -> path = string(name);
                case "size" -> size = number(name);
                case "sha256" -> sha256 = string(name);
                case "chunks" -> chunks = list(name, i -> string(name + "[" + i + "]"));
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    private SignatureFile signature() throws IOException, BadJsonException {
        String format = null, algorithm = null, publicKey = null, signature = null;
        startObject("the signature file");
        for (String field = nextField(); field != null; field = nextField()) {
            switch (field) {
                case "format" -> format = string(field);
                case "algorithm" -> algorithm = string(field);
                case "publicKey" -> publicKey = string(field);
                case "signature" -> signature = string(field);
                default -> throw unknown(field, "the signature file");
            }
        }
        return new SignatureFile(format, algorithm, publicKey, signature);
    }

    private void startObject(String what) throws BadJsonException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(what, "an object");
        }
    }

    /** The next field's name, with the parser on its value; null at the end of the object. */
    private String nextField() throws IOException {
        if (parser.nextToken() == JsonToken.END_OBJECT) {
            return null;
        }
        String name = parser.currentName();
        fieldAt = parser.currentTokenLocation();
        parser.nextToken();
        return name;
    }

    private String string(String name) throws IOException, BadJsonException {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NULL -> null;
            default -> throw wrongType(name, "a string");
        };
    }

    private long number(String name) throws IOException, BadJsonException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(name, "a whole number");
        }
        if (parser.getNumberType() != JsonParser.NumberType.INT && parser.getNumberType() != JsonParser.NumberType.LONG) {
            throw new BadJsonException(name + " is out of range at " + location(parser));
        }
        return parser.getLongValue();
    }

    private <T> T key(String name, Function<String, T> ofKey) throws IOException, BadJsonException {
        String key = string(name);
        if (key == null) {
            return null;
        }
        try {
            return ofKey.apply(key);
        } catch (IllegalArgumentException e) {
            throw new BadJsonException(name + " \"" + key + "\" is not one this seed-bootstrap knows, at " + location(parser));
        }
    }

    private interface Value<T> {
        T read() throws IOException, BadJsonException;
    }

    private interface Item<T> {
        T read(int index) throws IOException, BadJsonException;
    }

    private <T> T nullOr(Value<T> value) throws IOException, BadJsonException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? null : value.read();
    }

    /** As databind's @JsonValue read it: the exact key only. */
    private static Cni cni(String key) {
        for (Cni cni : Cni.values()) {
            if (cni.key().equals(key)) {
                return cni;
            }
        }
        throw new IllegalArgumentException(key);
    }

    /**
     * An array's items in order (the records copy the list); null for a JSON null. A null item is refused: no list
     * of the manifest has holes.
     */
    private <T> List<T> list(String name, Item<T> item) throws IOException, BadJsonException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw wrongType(name, "an array");
        }
        List<T> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                throw new BadJsonException(name + "[" + items.size() + "] is null at " + location(parser));
            }
            items.add(item.read(items.size()));
        }
        return items;
    }

    private BadJsonException unknown(String field, String in) {
        return new BadJsonException("unknown field \"" + field + "\" in " + in + " at " + lineAndColumn(fieldAt));
    }

    private BadJsonException wrongType(String name, String expected) {
        JsonToken token = parser.currentToken();
        return new BadJsonException(name + " must be " + expected + ", not " + (token == null ? "nothing" : describe(token))
                + " at " + location(parser));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString();
        };
    }

    private static String location(JsonParser parser) {
        return lineAndColumn(parser.currentTokenLocation());
    }

    private static String location(IOException e) {
        return e instanceof JsonProcessingException json && json.getLocation() != null ? lineAndColumn(json.getLocation()) : "an unknown position";
    }

    private static String lineAndColumn(JsonLocation at) {
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
