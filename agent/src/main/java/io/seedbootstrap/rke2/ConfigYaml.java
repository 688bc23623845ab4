package io.seedbootstrap.rke2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * YAML as RKE2 and Kubernetes read it. Strings that look like numbers or booleans stay quoted:
 * an unquoted {@code 0600} is the octal number 384 to a YAML 1.1 reader, and RKE2's
 * write-kubeconfig-mode wants the string.
 */
public final class ConfigYaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ConfigYaml() {}

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
