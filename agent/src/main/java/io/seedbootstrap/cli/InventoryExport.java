package io.seedbootstrap.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seedbootstrap.bind.Binder;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;
import io.seedbootstrap.support.Secret;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
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

    /**
     * @param targetDirectory where the file goes (relative paths are written relative to it)
     * @param sourceDirectory where the inventory was read from (its defaults resolved there)
     */
    static InventoryExport of(Inventory inventory, Path targetDirectory, Path sourceDirectory, Path home) {
        List<String> variables = new ArrayList<>();
        ObjectMapper mapper = Json.yaml().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
        SimpleModule module = new SimpleModule();
        module.addSerializer(Secret.class, new SecretReference(variables));
        module.addSerializer(Path.class, new RelativePath(targetDirectory, home));
        mapper.registerModule(module);
        try {
            JsonNode tree = mapper.valueToTree(inventory);
            pruneDefaults(tree, Inventory.class, mapper, sourceDirectory, home);
            String body = mapper.writeValueAsString(tree);
            String header = "# seed-bootstrap inventory, imported from an Ansible inventory (seed-bootstrap inventory import).\n"
                    + "# Its JSON Schema, for editors: seed-bootstrap inventory schema > inventory-v1.schema.json\n";
            return new InventoryExport(header + body, variables);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Leaves out every value equal to its default, and sections left empty, so the imported
     * file shows what the Ansible inventory said rather than every default.
     */
    private static void pruneDefaults(JsonNode node, Class<?> type, ObjectMapper mapper, Path source, Path home) {
        if (!(node instanceof ObjectNode object) || !type.isRecord()) {
            return;
        }
        @SuppressWarnings("unchecked")
        Record defaults = Binder.defaults((Class<? extends Record>) type, source, home);
        JsonNode defaultTree = mapper.valueToTree(defaults);
        for (RecordComponent component : type.getRecordComponents()) {
            String name = component.getName();
            JsonNode child = object.get(name);
            if (child == null) {
                continue;
            }
            boolean keep = component.isAnnotationPresent(io.seedbootstrap.bind.Required.class) || name.equals("apiVersion");
            if (!keep && child.equals(defaultTree.get(name))) {
                object.remove(name);
                continue;
            }
            Class<?> raw = component.getType();
            Type generic = component.getGenericType();
            if (raw.isRecord()) {
                pruneDefaults(child, raw, mapper, source, home);
            } else if (generic instanceof ParameterizedType parameterized) {
                Type[] arguments = parameterized.getActualTypeArguments();
                Type element = arguments[arguments.length - 1];
                if (element instanceof Class<?> elementClass && elementClass.isRecord()) {
                    child.forEach(item -> pruneDefaults(item, elementClass, mapper, source, home));
                }
            }
            if (child instanceof ObjectNode childObject && childObject.isEmpty()) {
                object.remove(name);
            }
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
            if (secret.reference() != null) {
                generator.writeString(secret.reference());
                return;
            }
            String variable = variableFor(generator.getOutputContext());
            variables.add(variable);
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

    /** Paths below the target folder as ./relative, below the home folder as ~/..., others absolute. */
    private static final class RelativePath extends JsonSerializer<Path> {
        private final Path base;
        private final Path home;

        RelativePath(Path base, Path home) {
            this.base = base;
            this.home = home;
        }

        @Override
        public void serialize(Path path, JsonGenerator generator, SerializerProvider provider) throws IOException {
            String text;
            boolean underBase = path.startsWith(base);
            boolean underHome = path.startsWith(home);
            if (underBase && !(underHome && home.startsWith(base))) {
                text = "./" + base.relativize(path);
            } else if (underHome) {
                text = "~/" + home.relativize(path);
            } else {
                text = path.toString();
            }
            generator.writeString(text);
        }
    }
}
