package io.seedbootstrap.rke2;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.seedbootstrap.support.Secret;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * YAML as RKE2 and Kubernetes read it. Strings that look like numbers or booleans stay quoted:
 * an unquoted {@code 0600} is the octal number 384 to a YAML 1.1 reader, and RKE2's
 * write-kubeconfig-mode wants the string.
 */
public final class ConfigYaml {
    /** Reading limits for YAML that comes back from hosts (README "Security notes"); RKE2's files are a few KiB. */
    public static final int MAX_DOCUMENT_CHARS = 4 << 20;
    private static final int MAX_NESTING = 64;
    private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                    .maxDocumentLength(MAX_DOCUMENT_CHARS).maxStringLength(MAX_DOCUMENT_CHARS).build())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .registerModule(new SimpleModule("host-files").addSerializer(Secret.class, new Revealed()));

    /**
     * These files go to the hosts (config.yaml and the like), so an inventory value from
     * {@code ${ENV}} held as a {@link Secret} is written as its value here, and only here.
     */
    private static final class Revealed extends StdSerializer<Secret> {
        Revealed() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret secret, JsonGenerator generator, SerializerProvider provider) throws java.io.IOException {
            generator.writeString(secret.reveal());
        }
    }

    private ConfigYaml() {}

    /**
     * Jackson reads YAML event by event and gives an alias as its anchor's name (it never copies
     * the anchored value), so "billion laughs" cannot grow; the limits below bound the rest.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render YAML: " + e.getMessage(), e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }
}
