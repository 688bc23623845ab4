package io.seedbootstrap.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes an inventory in our YAML format for {@code inventory import}: paths relative to where
 * the file goes, and every secret as an ${ENV_VAR} reference (never its value).
 */
final class InventoryExport {
    private final String yaml;
    private final List<String> variablesToExport;

    private InventoryExport(String yaml, List<String> variablesToExport) {
        this.yaml = yaml;
        this.variablesToExport = List.copyOf(variablesToExport);
    }

    static InventoryExport of(Inventory inventory, Path baseDirectory) {
        List<String> variables = new ArrayList<>();
        ObjectMapper mapper = Json.yaml().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
        SimpleModule module = new SimpleModule();
        module.addSerializer(Secret.class, new SecretReference(variables));
        module.addSerializer(Path.class, new RelativePath(baseDirectory));
        mapper.registerModule(module);
        try {
            String body = mapper.writeValueAsString(inventory);
            String header = "# seed-bootstrap inventory, imported from an Ansible inventory.\n"
                    + "# yaml-language-server: $schema=" + "inventory-v1.schema.json\n";
            return new InventoryExport(header + body, variables);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String yaml() {
        return yaml;
    }

    /** Variables the operator must export: secrets that were literal values in the Ansible file. */
    List<String> variablesToExport() {
        return variablesToExport;
    }

    private static final class SecretReference extends JsonSerializer<Secret> {
        private final List<String> variables;

        SecretReference(List<String> variables) {
            this.variables = variables;
        }

        @Override
        public void serialize(Secret secret, JsonGenerator generator, SerializerProvider provider) throws IOException {
            String source = secret.source();
            String variable = source != null ? source.substring(1) : variableFor(generator.getOutputContext());
            if (source == null) {
                variables.add(variable);
            }
            generator.writeString("${" + variable + "}");
        }

        /** SEED_HOSTS_0_SSH_SUDO_PASSWORD for hosts[0].ssh.sudoPassword. */
        private static String variableFor(JsonStreamContext context) {
            List<String> parts = new ArrayList<>();
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inArray()) {
                    parts.add(0, String.valueOf(c.getCurrentIndex()));
                } else if (c.getCurrentName() != null) {
                    parts.add(0, c.getCurrentName().replaceAll("([a-z])([A-Z])", "$1_$2"));
                }
            }
            return ("SEED_" + String.join("_", parts)).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        }
    }

    private static final class RelativePath extends JsonSerializer<Path> {
        private final Path base;

        RelativePath(Path base) {
            this.base = base;
        }

        @Override
        public void serialize(Path path, JsonGenerator generator, SerializerProvider provider) throws IOException {
            String text = path.startsWith(base) ? "./" + base.relativize(path) : path.toString();
            generator.writeString(text);
        }
    }
}
